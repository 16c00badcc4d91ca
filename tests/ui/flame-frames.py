#!/usr/bin/env python3
"""flame-frames.py LINE < CAPTURE — the frames of one line of a flame graph.

CAPTURE is `tmux capture-pane -e -p -N` (the text with its SGR escapes and
trailing spaces, which may be a frame's); LINE is
1-based. Prints one frame a line: its label, where it starts and ends in
cells (to an eighth) and its colour, so a test can measure widths as a user
sees them. A cell is a colour, or a left-eighths block: the block in one
colour, the rest of the cell in another. A frame's colour is its cells'
background (the foreground in reverse video); without colours, frames are
reverse video, "fg". A gap of less than a cell between two frames is where
the second one starts (the view draws two frames meeting at a cell's edge
with a gap of an eighth, and a frame's start within a cell the same way).
"""
import re
import sys

BLOCKS = "▏▎▍▌▋▊▉█"
EMPTY = "bg"


def sgr(codes, state):
    """The (fg, bg, reverse) after an SGR escape's codes."""
    fg, bg, rev = state
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            fg, bg, rev = "fg", EMPTY, False
        elif c == 7:
            rev = True
        elif c == 27:
            rev = False
        elif 30 <= c <= 37 or 90 <= c <= 97:
            fg = "c%d" % (c % 10)
        elif c == 39:
            fg = "fg"
        elif 40 <= c <= 47 or 100 <= c <= 107:
            bg = "c%d" % (c % 10)
        elif c == 49:
            bg = EMPTY
        elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
            if c == 38:
                fg = "x%d" % codes[i + 2]
            else:
                bg = "x%d" % codes[i + 2]
            i += 2
        i += 1
    return fg, bg, rev


def screen_cells(text):
    """Per line, (char, fg, bg, reverse) for each cell; attributes carry on
    from one line to the next, as tmux writes them."""
    state, lines = ("fg", EMPTY, False), [[]]
    for part in re.split(r"(\x1b\[[0-9;]*m)", text):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if m:
            state = sgr([int(c) if c else 0 for c in m.group(1).split(";")], state)
            continue
        for ch in part:
            if ch == "\n":
                lines.append([])
            else:
                lines[-1].append((ch,) + state)
    return lines


def runs(line):
    """[colour, start, end, label] in eighths, neighbours of one colour merged."""
    out = []
    for x, (ch, fg, bg, rev) in enumerate(line):
        front, back = (bg, fg) if rev else (fg, bg)
        # "fg" as a cell's back is reverse video's frame; as a front, a frame's block
        parts = [(front, BLOCKS.index(ch) + 1), (back, 7 - BLOCKS.index(ch))] if ch in BLOCKS \
            else [(back, 8)]
        at = 8 * x
        for colour, n in parts:
            if n <= 0:
                continue
            if out and out[-1][0] == colour and out[-1][2] == at:
                out[-1][2] += n
            else:
                out.append([colour, at, at + n, ""])
            if ch not in BLOCKS and ch != " ":
                out[-1][3] += ch
            at += n
    return out


def frames(line):
    rs = runs(line)
    found = []
    for i, (colour, start, end, label) in enumerate(rs):
        if colour == EMPTY:
            continue
        before = rs[i - 1] if i else None
        if before and before[0] == EMPTY and before[2] - before[1] < 8 and i >= 2 and rs[i - 2][0] != EMPTY:
            start = before[1]
        found.append((label, start / 8, end / 8, colour))
    return found


def main():
    n = int(sys.argv[1])
    lines = screen_cells(sys.stdin.read())
    for label, start, end, colour in frames(lines[n - 1] if n <= len(lines) else []):
        print("%s %.3f %.3f %s" % (label or "-", start, end, colour))


if __name__ == "__main__":
    main()
