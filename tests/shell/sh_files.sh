# sh_files: busybox's file applets, natively and in the appliance (outputs compared line by line):
# ls cat cp mv rm mkdir ln ln -s mkfifo touch -d chmod chown find xargs tar gzip md5sum sha256sum
# dd. Times, inode numbers and sizes of directories are not printed (they legitimately differ), and
# ls is -1 (in the appliance stdout is the console: a terminal gets columns).
mkdir -p /tmp/f && cd /tmp/f || exit 1
echo "== mkdir, cat, cp, mv, rm"
mkdir -p a/b/c && echo "mkdir -p ok"
mkdir a 2>/dev/null || echo "mkdir of an existing dir fails"
printf 'line one\nline two\n' > a/one.txt
cat a/one.txt a/one.txt | wc -l
cp a/one.txt a/b/copy.txt && cat a/b/copy.txt
cp -r a a2 && ls -1 a2 a2/b
mv a2/one.txt a2/moved.txt && ls -1 a2
mv a2 a3 && ls -d a3
rm a3/moved.txt && rm -r a3 && ls -d a3 2>/dev/null || echo "a3 removed"
rmdir a/b/c && echo "rmdir ok"
rm /tmp/f/no-such 2>/dev/null || echo "rm of a missing file fails"
rm -f /tmp/f/no-such && echo "rm -f of a missing file succeeds"
echo "== ls"
touch -d "2001-02-03 04:05:06" a/one.txt
ls -l a/one.txt | awk '{ print $1, $2, $5, $6, $7, $8, $9 }'
ls -1 a
ls -a a | sort | tr '\n' ' '; echo
echo "== ln, ln -s, readlink"
ln a/one.txt hard && ls -l hard | awk '{ print $1, $2 }'
ln -s a/one.txt soft && readlink soft && cat soft | head -n 1
ls -l soft | awk '{ print $1, $9, $10, $11 }'
ln -s /no/where dangling && cat dangling 2>/dev/null || echo "dangling link: cat fails"
echo "== mkfifo"
mkfifo fifo && ls -l fifo | cut -c1
(echo "through the fifo" > fifo &) ; cat fifo
echo "== touch -d, chmod, chown, stat"
touch -d "2010-11-12 13:14:15" t && date -r t '+%Y-%m-%d %H:%M:%S'
touch -d @0 t0 && stat -c '%Y' t0
chmod 751 t && stat -c '%a %A' t
chmod u-x,g+w t && stat -c '%a' t
chown 1000:100 t && stat -c '%u:%g' t
chown 0 t && stat -c '%u:%g' t
echo "== find, xargs"
find a -type f | sort
find a -name '*.txt' -type f | xargs cat | wc -l
find . -maxdepth 1 -type p
find a -type d | sort | xargs echo
printf '1\n2\n3\n' | xargs -n 2 echo
echo "== tar, gzip"
tar -cf a.tar a && tar -tf a.tar | sort
mkdir x && tar -xf a.tar -C x && cat x/a/one.txt | head -n 1
gzip -c a/one.txt > one.gz && gzip -dc one.gz | tail -n 1
gzip -9 a/b/copy.txt && ls -1 a/b && gunzip a/b/copy.txt.gz && ls -1 a/b
tar -czf a.tgz a && tar -tzf a.tgz | sort | head -n 2
echo "== md5sum, sha256sum"
printf 'hello\n' > h
md5sum h
sha256sum h
md5sum h > h.md5 && md5sum -c h.md5
echo "== dd"
dd if=/dev/zero of=z bs=512 count=4 2>/dev/null && stat -c '%s' z
dd if=h bs=1 skip=1 count=3 2>/dev/null; echo
printf 'abcdefgh' | dd bs=2 count=2 2>&1 >/dev/null | head -n 2
dd if=/dev/urandom of=r bs=1k count=8 2>/dev/null && stat -c '%s' r
cd / && rm -rf /tmp/f && echo "== done"
