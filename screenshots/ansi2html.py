#!/usr/bin/env python3
"""ansi2html.py — turn a `tmux capture-pane -e -p` dump into a standalone HTML
page that looks like the terminal (used by make.sh to render PNG screenshots).

usage: ansi2html.py TITLE < pane.ansi > pane.html
"""
import html
import re
import sys

# xterm's default palette for the 16 base colours.
PALETTE = ["#000000", "#cd0000", "#00cd00", "#cdcd00", "#0000ee", "#cd00cd", "#00cdcd", "#e5e5e5",
           "#7f7f7f", "#ff0000", "#00ff00", "#ffff00", "#5c5cff", "#ff00ff", "#00ffff", "#ffffff"]
FG, BG = "#d0d0d0", "#1c1c1c"


def color256(n):
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = self.bg = None
        self.bold = self.dim = self.underline = self.reverse = False

    def apply(self, params):
        codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = PALETTE[c - 30]
            elif 90 <= c <= 97:
                self.fg = PALETTE[c - 90 + 8]
            elif c == 39:
                self.fg = None
            elif 40 <= c <= 47:
                self.bg = PALETTE[c - 40]
            elif 100 <= c <= 107:
                self.bg = PALETTE[c - 100 + 8]
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                if c == 38:
                    self.fg = color256(codes[i + 2])
                else:
                    self.bg = color256(codes[i + 2])
                i += 2
            i += 1

    def css(self):
        fg, bg = self.fg or FG, self.bg or BG
        if self.bold and self.fg in PALETTE[:8]:
            fg = PALETTE[PALETTE.index(self.fg) + 8]
        if self.reverse:
            fg, bg = bg, fg
        css = "color:%s;background:%s" % (fg, bg)
        if self.bold:
            css += ";font-weight:bold"
        if self.dim:
            css += ";opacity:0.6"
        if self.underline:
            css += ";text-decoration:underline"
        return css


def convert(text):
    style = Style()
    out = []
    for line in text.rstrip("\n").split("\n"):
        spans = []
        for part in re.split(r"(\x1b\[[0-9;]*m)", line):
            m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
            if m:
                style.apply(m.group(1))
            elif part:
                spans.append('<span style="%s">%s</span>' % (style.css(), html.escape(part)))
        out.append("".join(spans))
    return "\n".join(out)


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "cprof-tui"
    body = convert(sys.stdin.read())
    print("""<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title><style>
body { margin: 0; background: %s; }
pre { margin: 0; padding: 8px; font: 15px/1.25 'DejaVu Sans Mono', monospace; color: %s; }
</style></head><body><pre>%s</pre></body></html>""" % (html.escape(title), BG, FG, body))


if __name__ == "__main__":
    main()
