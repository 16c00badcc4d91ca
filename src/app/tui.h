/* tui.h — running the TUI (ui/) on a live recording or a saved session: the
 * application's side of struct ui_host. */
#ifndef CPROF_APP_TUI_H
#define CPROF_APP_TUI_H
#include "app/options.h"
#include "app/recorder.h"
#include "db/session.h"
#include "model/profile.h"

/* The TUI on a recording until the user quits, then the recording's end
 * (recorder_finish: a launched program is ended after the final save, an
 * attached one detached). Returns cprof-tui's exit status: the launched
 * program's when it ended by itself before the user quit, 0 otherwise, 2
 * when the terminal could not be used. The caller frees r. */
int tui_record(struct recorder *r, struct profile *p, const struct options *o);
/* The TUI on a loaded session s (p); toggles are saved in s. With a base
 * (the session loaded from o->base), a diff of p against it, saved in
 * neither. */
int tui_browse(struct db_session *s, struct profile *p, struct profile *base,
	       const struct options *o);

#endif
