# sh_lang: the shell language as busybox's ash runs it, natively and in the appliance (the
# ring-3 runner compares the outputs line by line): pipelines, redirections, here-documents,
# subshells, command substitution, traps, background jobs and wait, #! scripts, functions.
# Each line is deterministic: no pids, times or sizes are printed.
cd /tmp || exit 1
echo "== pipelines"
printf 'b\na\nc\n' | sort | tr a-z A-Z | head -n 2
echo one two three | wc -w
false | true && echo "status of the last: 0"
true | false || echo "status of the last: 1"
! false && echo "negated"
echo "== redirections"
echo first > r.txt
echo second >> r.txt
cat < r.txt
ls /no/such 2> err.txt; echo "ls status $?"
[ -s err.txt ] && echo "stderr went to the file"
echo both >both.txt 2>&1; cat both.txt
exec 3> fd3.txt; echo "via fd 3" >&3; exec 3>&-; cat fd3.txt
exec 4< r.txt; read -r l <&4; exec 4<&-; echo "read from fd 4: $l"
{ echo grouped; echo lines; } > g.txt; wc -l < g.txt
: > empty.txt; wc -c < empty.txt
echo "== here-documents"
x=expanded
cat <<EOT
here $x
  kept indentation
EOT
cat <<'EOT'
not $x
EOT
cat <<-EOT
	tabs stripped
	EOT
tr a-z A-Z <<EOT | cat
piped heredoc
EOT
echo "== subshells"
v=outer
(v=inner; echo "in: $v"; exit 3); echo "status $? out: $v"
(cd /proc && pwd); pwd
echo "== command substitution"
n=$(printf '%s\n' a b c | wc -l); echo "lines: $n"
echo "nested: $(echo "$(echo deep)")"
echo "backquotes: `echo old style`"
echo "arithmetic: $((6 * 7)) $(( (1 << 10) % 1000 ))"
echo "== variables and expansions"
s=hello.tar.gz
echo "${s%.gz} ${s%%.*} ${s#*.} ${#s} ${unset:-default} ${s:+set}"
set -- a "b c" d; echo "$# args, second: $2"; shift; echo "after shift: $*"
for i in 1 2 3; do printf '%s,' "$i"; done; echo
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "while: $i"
case abc in a*) echo "case a*";; *) echo "case other";; esac
f() { local y=$1; echo "function got $y"; return 5; }; f arg; echo "returned $?"
echo "== traps"
trap 'echo "EXIT trap of a subshell"' EXIT; (trap 'echo "subshell exits"' EXIT; true); trap - EXIT
(trap 'echo "caught USR1"' USR1; kill -USR1 $(sh -c 'echo $PPID'); echo "after USR1") 
(trap 'echo "caught TERM"; exit 0' TERM; sh -c 'kill -TERM $PPID'; sleep 5; echo "not reached")
(trap '' INT; sh -c 'kill -INT $PPID'; echo "INT ignored")
echo "== background jobs and wait"
(sleep 0.2; echo "background done") &
echo "foreground first"
wait; echo "waited"
# ash may or may not say "Terminated" for the killed job, depending on when it reaps it (a race on
# both kernels): the subshell's stderr is left out, its status kept.
(sleep 5 & p=$!; kill $p; wait $p; echo "killed job status $?") 2>/dev/null
(exit 7) & wait $!; echo "job status $?"
sh -c 'sleep 0.1; exit 4' & sh -c 'exit 2' & wait; echo "wait for all: done"
echo "== #! scripts"
printf '#!/bin/sh\necho "script says $1 $#"\nexit 9\n' > s.sh
chmod +x s.sh; ./s.sh hello; echo "script status $?"
printf '#!/bin/sh -e\nfalse\necho "not reached"\n' > e.sh
chmod +x e.sh; ./e.sh; echo "sh -e status $?"
printf 'echo no shebang\n' > n.sh; chmod +x n.sh; ./n.sh
printf '#!/no/such/interp\n' > bad.sh; chmod +x bad.sh; ./bad.sh 2>/dev/null; echo "bad interpreter status $?"
rm -f r.txt err.txt both.txt fd3.txt g.txt empty.txt s.sh e.sh n.sh bad.sh
echo "== done"
