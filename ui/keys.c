/* keys.c — key bindings and key names, generated from REQUEST_INFO. */
#include "config.h"
#include "ui/request.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct request_info request_table[] = {
#define REQ_ROW(name, group, k1, k2, k3, help) { REQ_##name, group, { k1, k2, k3 }, help },
	REQUEST_INFO(REQ_ROW)
#undef REQ_ROW
};

/* Names for keys that are not printable characters. */
static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ '\n', "Enter" },       { ' ', "Space" },        { KEY_TAB, "Tab" },
	{ KEY_BTAB, "S-Tab" },   { KEY_ESC, "Esc" },      { KEY_BACKSPACE, "Backspace" },
	{ KEY_UP, "Up" },        { KEY_DOWN, "Down" },    { KEY_LEFT, "Left" },
	{ KEY_RIGHT, "Right" },  { KEY_PPAGE, "PgUp" },   { KEY_NPAGE, "PgDn" },
	{ KEY_HOME, "Home" },    { KEY_END, "End" },      { KEY_DC, "Delete" },
	{ KEY_RESIZE, "Resize" },
};

int keys_normalize(int key)
{
	switch (key) {
	case '\r':
	case KEY_ENTER:
		return '\n';
	case 127:
	case CTRL('h'):
		return KEY_BACKSPACE;
	default:
		return key;
	}
}

enum request keys_request(int key)
{
	key = keys_normalize(key);
	for (size_t i = 0; i < REQ_COUNT - 1; i++)
		for (size_t k = 0; k < 3; k++)
			if (request_table[i].keys[k] && request_table[i].keys[k] == key)
				return request_table[i].req;
	return REQ_NONE;
}

const char *keys_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return buf;
		}
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, n, "F%d", key - KEY_F(0));
	else if (key > 0 && key < 32)
		snprintf(buf, n, "C-%c", key + 'a' - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, n, "%c", key);
	else
		snprintf(buf, n, "key-%d", key);
	return buf;
}

int keys_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++)
		if (!strcasecmp(key_names[i].name, name))
			return key_names[i].key;
	if (strlen(name) == 1 && name[0] > 32 && name[0] < 127)
		return name[0];
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		int f = atoi(name + 1);
		return f >= 1 && f <= 12 ? KEY_F(f) : -1;
	}
	if (!strncasecmp(name, "C-", 2) && name[2] >= 'a' && name[2] <= 'z' && !name[3])
		return CTRL(name[2]);
	return -1;
}
