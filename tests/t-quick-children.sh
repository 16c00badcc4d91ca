#!/bin/bash
# A runner of 100 children that live about 4 ms each (3 ms of work), the
# last one exiting 5: each is in the session with its command and exit
# status, sampled, and its stacks unwound to the end, although the perf
# backend reads a sample up to a few milliseconds after it was taken, when
# the child may have exited (its mappings come from the kernel's records,
# its unwind tables and code from the files it mapped).
# Seen before: 218 of 400 samples with incomplete stacks (perf backend).
. "$(dirname "$0")/lib/common.sh"
TCASE=$WL/tcase

cat >"$T/quick.sh" <<END
i=0
while [ \$i -lt 99 ]; do "$TCASE" sort 0.003; i=\$((i + 1)); done
"$TCASE" sort 0.003 5
echo "last=\$?" >"$T/quick.out"
END
cprof --headless -o "$T/q.db" sh "$T/quick.sh"
rc=$?
[ $rc -eq 0 ] || fail "the runner exited $rc ($(tail -n 1 "$T/cprof.err"))"
grep -q "last=5" "$T/quick.out" || fail "the last child's status did not reach the runner"
kids=$(sql "$T/q.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase sort 0.003%'")
[ "$kids" = 100 ] || fail "$kids of the 100 children are in the session with their command"
ok=$(sql "$T/q.db" "SELECT count(*) FROM processes WHERE command LIKE '%tcase sort 0.003' AND exit_status = 0")
[ "$ok" = 99 ] || fail "$ok of the 99 children exiting 0 have exit status 0"
five=$(sql "$T/q.db" "SELECT exit_status FROM processes WHERE command LIKE '%tcase sort 0.003 5'")
[ "$five" = 5 ] || fail "the last child's exit status is '$five', expected 5"
n=$(sql "$T/q.db" "SELECT count(*) FROM samples s JOIN threads t ON t.id = s.thread_id
	JOIN processes p ON p.id = t.process_id WHERE p.command LIKE '%tcase%'")
ge "$n" 150 || fail "only $n samples of 100 children of 3 ms of work"
inc=$(sql "$T/q.db" "SELECT count(*) FROM samples s JOIN stacks k ON k.id = s.stack_id
	JOIN threads t ON t.id = s.thread_id JOIN processes p ON p.id = t.process_id
	WHERE p.command LIKE '%tcase%' AND (k.flags & 1)")
ge "$((n / 50))" "$inc" || fail "$inc of the children's $n samples have incomplete stacks (at most 2%)"
sorted=$(report "$T/q.db" function | awk -F'\t' '$5 == "test_sort" { print $3 }')
ge "${sorted:-0}" 50 || fail "test_sort has ${sorted:-no} % of the samples, expected most"
pass "100 children of 3 ms: $n samples, $inc incomplete, test_sort ${sorted}%, statuses 0 and 5 ($(meta "$T/q.db" backend))"
