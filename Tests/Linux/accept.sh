# accept.sh: the acceptance commands of the Linux personality (issue 11),
# run by busybox's sh on Kenix and, as the oracle, by the host's busybox of
# the same version: their outputs must match byte for byte
# (Tests/Linux/compare.sh). Usage: sh accept.sh DIR, where DIR is a fresh
# scratch directory (on Kenix in /tmp or on the FAT disk). Nothing printed
# depends on times, pids or the host: listings show modes, links, owners,
# sizes and names (a directory's size is its file system's own business, so
# it is left out); find and tar listings are sorted. The oracle runs under a
# pseudo-terminal of 80 columns, as Kenix's console reports.
D=${1:?usage: accept.sh DIR}
echo "=== accept begin"
echo "== pipes"
echo hello | cat
for i in 1 2 3; do echo $i; done | wc -l
printf 'one\ntwo\nthree\n' | cat -n
echo "== exit status"
sh -c 'exit 3'; echo $?
false || echo ok
true && echo and
! false && echo not
echo "== subshell"
(cd /tmp && pwd)
pwd_before=$(pwd); (cd / && pwd); [ "$(pwd)" = "$pwd_before" ] && echo "cwd kept"
echo "== here-documents"
name=kenix
cat <<END
hello $name
  indented $((6 * 7))
END
cat <<'END'
no $expansion here
END
tr a-z A-Z <<-END
	tabs stripped
	END
echo "== background and wait"
(echo in background) &
wait
echo "waited: $?"
sleep 0 & sleep 0 &
wait; echo "two jobs done"
echo "== files"
mkdir -p "$D/tree/sub/deeper" && cd "$D" || exit 1
printf 'banana 3\napple 10\ncherry 7\napple 2\ndate 1\n' > tree/fruit.txt
printf 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n' > tree/sub/passwd.txt
i=0; while [ $i -lt 200 ]; do echo "line $i of the long file"; i=$((i + 1)); done > tree/sub/deeper/long.txt
echo "== sort"
sort tree/fruit.txt
sort -k2 -n tree/fruit.txt
sort -u -k1,1 tree/fruit.txt | sort -r
echo "== grep"
grep apple tree/fruit.txt
grep -n -v a tree/fruit.txt
grep -c line tree/sub/deeper/long.txt
grep -r daemon tree | sort
grep -E '^(b|c)' tree/fruit.txt
echo "== sed"
sed 's/a/A/g' tree/fruit.txt
sed -n '2,3p' tree/fruit.txt
sed -e '/apple/d' -e 's/ /=/' tree/fruit.txt
echo "== awk"
awk '{ total += $2 } END { print "total", total }' tree/fruit.txt
awk -F: '{ print $1, $NF }' tree/sub/passwd.txt
awk 'NR % 50 == 0 { print NR": "$0 }' tree/sub/deeper/long.txt
echo "== cut"
cut -d: -f1,7 tree/sub/passwd.txt
cut -c1-4 tree/fruit.txt
echo "== head and tail"
head -n 2 tree/fruit.txt
tail -n 2 tree/sub/deeper/long.txt
tail -c 12 tree/fruit.txt
head -c 7 tree/sub/passwd.txt; echo
echo "== tr"
echo "Hello, World" | tr a-z A-Z
echo "a-b-c" | tr -d -
echo "aabbcc" | tr -s abc
echo "== xargs"
echo a b c d | xargs -n 2 echo pair:
printf 'tree/fruit.txt\ntree/sub/passwd.txt\n' | xargs wc -l
find tree -name '*.txt' | sort | xargs cat | wc -l
echo "== find"
find tree | sort
find tree -type d | sort
find tree -name '*.txt' -type f | sort
find tree -name 'long*' -exec wc -l {} \;
echo "== test"
test -d tree && echo "tree is a directory"
[ -f tree/fruit.txt ] && echo "fruit is a file"
[ -e tree/nothing ] || echo "nothing is not there"
test 3 -lt 5 && echo "3 < 5"
[ abc = abc ] && [ abc != abd ] && echo "strings compare"
[ -z "" ] && [ -n x ] && echo "lengths"
[ -s tree/fruit.txt ] && echo "fruit is not empty"
echo "== expr"
expr 3 + 4
expr 10 / 3
expr 10 % 3
expr length "hello world"
expr substr kenix 2 3
expr index kenix n
expr "abc" : 'a\(.*\)'
echo "== checksums"
cd tree
md5sum fruit.txt sub/passwd.txt sub/deeper/long.txt
sha256sum fruit.txt sub/deeper/long.txt
cd ..
echo "== tar"
tar cf archive.tar tree
mkdir extracted
tar xf archive.tar -C extracted
tar tf archive.tar | sort
find extracted | sort
cmp tree/sub/deeper/long.txt extracted/tree/sub/deeper/long.txt && echo "extracted long.txt is identical"
md5sum extracted/tree/fruit.txt
echo "== listing"
chmod -R 755 tree
ls tree
ls -l tree | grep -v '^total' | awk '{ print $1, $2, $3, $4, ($1 ~ /^d/ ? "dir" : $5), $NF }'
ls -la tree/sub | grep -v '^total' | awk '{ print $1, $3, $4, $NF }'
wc -c tree/fruit.txt tree/sub/passwd.txt tree/sub/deeper/long.txt
echo "== rm"
rm -r extracted archive.tar
rm tree/sub/deeper/long.txt
rmdir tree/sub/deeper
find . | sort
rm -r tree
ls -a
echo "=== accept end"
