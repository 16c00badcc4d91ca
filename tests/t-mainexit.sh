#!/bin/bash
# A program whose main thread ends with pthread_exit runs on in its other
# threads: launched, its stacks stay complete after the main thread is gone
# (its maps and memory are read through a live thread); attached then, it is
# not refused as a zombie.
. "$(dirname "$0")/lib/common.sh"

complete_share() { # DB: % of samples in `survivor` whose stack reaches start_thread
	sql "$1" "SELECT coalesce(100 * sum(EXISTS(SELECT 1 FROM stack_frames sf JOIN frames f ON f.id = sf.frame_id
		WHERE sf.stack_id = s.stack_id AND f.function = 'start_thread')) / count(*), 0)
		FROM samples s WHERE EXISTS(SELECT 1 FROM stack_frames sf JOIN frames f ON f.id = sf.frame_id
		WHERE sf.stack_id = s.stack_id AND f.function = 'survivor')"
}

cprof --headless -o "$T/l.db" "$WL/mainexit" 2 >/dev/null
rc=$?
[ $rc -eq 0 ] || fail "cprof-tui (launched) exited $rc"
n=$(sql "$T/l.db" "SELECT coalesce(sum(self), 0) FROM function_hits WHERE function = 'survivor'")
ge "$n" 1000 || fail "launched: only $n samples in survivor (2 s busy after main() ended)"
lc=$(complete_share "$T/l.db")
ge "$lc" 95 || fail "launched: only $lc% of survivor's stacks reach start_thread after the main thread exited"

start_wl mainexit 10 # (killed when the test ends)
cprof --headless -p "$WL_PID" -d 1 -o "$T/a.db" || fail "attaching after the main thread exited failed: $(tail -n 1 "$T/cprof.err")"
an=$(sql "$T/a.db" "SELECT coalesce(sum(self), 0) FROM function_hits WHERE function = 'survivor'")
ge "$an" 200 || fail "attached: only $an samples in survivor in 1 s"
ac=$(complete_share "$T/a.db")
ge "$ac" 95 || fail "attached: only $ac% of survivor's stacks reach start_thread"
assert_unharmed "$WL_PID"
pass "launched: $n samples, $lc% complete; attached: $an samples, $ac% complete"
