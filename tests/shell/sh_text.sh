# sh_text: busybox's text applets, natively and in the appliance (outputs compared line by line):
# grep sed awk sort uniq wc head tail cut tr seq env id date (with a fixed date and zone).
cd /tmp || exit 1
printf 'banana 3\napple 1\ncherry 2\napple 1\ndate 10\n' > fruit
echo "== grep"
grep apple fruit
grep -c apple fruit
grep -v a fruit
grep -n '^c' fruit
grep -E 'an|rr' fruit
grep -q kiwi fruit || echo "no kiwi: status $?"
grep -i BANANA fruit
grep -o '[0-9][0-9]*' fruit | tr '\n' ' '; echo
echo "== sed"
sed 's/apple/APPLE/' fruit | head -n 2
sed -n '2,3p' fruit
sed '/apple/d' fruit
sed -e 's/ /:/' -e 'y/abc/ABC/' fruit | tail -n 1
printf 'x\n' > s.txt && sed -i 's/x/y/' s.txt && cat s.txt
echo "== awk"
awk '{ sum += $2 } END { print "sum", sum }' fruit
awk '$2 > 1 { print $1 }' fruit
awk -F' ' '{ printf "%-8s|%3d\n", $1, $2 }' fruit | head -n 2
awk 'BEGIN { n = split("a:b:c", v, ":"); print n, v[2]; print length("hello"), substr("hello", 2, 3), toupper("x") }'
echo "== sort, uniq"
sort fruit
sort -k2 -n fruit | head -n 3
sort -r fruit | head -n 1
sort -u fruit | wc -l
sort fruit | uniq -c | awk '{ print $1, $2 }'
sort fruit | uniq -d
echo "== wc, head, tail, cut, tr"
wc -l < fruit; wc -w < fruit; wc -c < fruit
head -n 1 fruit; tail -n 1 fruit; tail -n +4 fruit
head -c 6 fruit; echo
cut -d' ' -f2 fruit | tr '\n' ','; echo
cut -c1-3 fruit | head -n 2
echo 'Hello World' | tr 'a-z' 'A-Z'
echo 'a  b   c' | tr -s ' '
echo 'abc123' | tr -d '0-9'
echo "== seq"
seq 3; seq 2 2 8 | tr '\n' ' '; echo; seq -s, 5 -1 1
echo "== env, id"
env -i A=1 B=2 env | sort
env | grep -c '^PATH='
A=x env | grep '^A='
id; id -u; id -gn 2>/dev/null || id -g
echo "== date"
TZ=UTC date -d @1000000000 '+%Y-%m-%d %H:%M:%S %Z'
TZ=UTC date -u -d '2020-02-29 12:00:00' +%s
date +%Y | grep -q '^20[0-9][0-9]$' && echo "this year looks like a year"
rm -f fruit s.txt
echo "== done"
