#!/bin/bash
# test.sh — Keel's FAT32 (through fathost) against the Linux tools: images made by mkfs.fat
# and mtools must read right, and images Keel's code wrote must pass `fsck.fat -n` and read
# back right with mtools.  Usage: ./test.sh [FATHOST]  (make test builds it first).
# Each check prints "ok NAME" or "FAIL NAME: what was expected, what came"; the exit status
# is the number of failures.
set -u
FATHOST=$(realpath "${1:-../../../build/host/fathost}")
T=$(mktemp -d /tmp/fat32-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
export MTOOLS_SKIP_CHECK=1
fails=0

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
fresh() { rm -f img; mkfs.fat -F 32 -C img 40960 >/dev/null; }
fsck_clean() { # NAME: the image passes fsck.fat -n
    if out=$(fsck.fat -n img 2>&1); then ok "$1: fsck.fat -n is clean"
    else fail "$1" "fsck.fat -n reports: $(echo "$out" | tail -n +2 | head -8)"; fi
}
run() { "$FATHOST" img "$@"; } # commands on stdin
same() { # NAME FILE1 FILE2
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "$2 and $3 differ ($(stat -c %s "$2") vs $(stat -c %s "$3") bytes)"; fi
}
df_right() { # NAME: the free count as kept equals the FAT's (fsck.fat checks FSInfo's)
    local name=$1 out
    out=$(echo df | run)
    case "$out" in "free "*) set -- $out; [ "$2" = "$4" ] && ok "$name: free count $2 kept right" && return ;; esac
    fail "$name" "df says: $out"
}

# Files of every interesting size: 0, 1, a sector and around it, a cluster, 1 MiB and more.
for n in 0 1 511 512 513 4096 70000 1048576 1300000; do head -c $n /dev/urandom > f$n; done

# --- 1. reading what mtools wrote ------------------------------------------------------
fresh
mmd -i img ::/a ::/a/b ::/a/b/c ::/a/b/c/deep
for n in 0 1 511 512 513 4096 1300000; do mcopy -i img f$n ::/a/b/c/deep/file$n; done
mcopy -i img f70000 "::/a/A rather long file name with spaces.bin"
mcopy -i img f1 "::/a/MiXeD.TxT"
for n in 0 1 511 512 513 4096 1300000; do echo "get /a/b/c/deep/file$n got$n"; done | run
for n in 0 1 511 512 513 4096 1300000; do same "mtools wrote file$n, Keel reads it" f$n got$n; done
echo "get /A/a%20RATHER%20long%20file%20name%20with%20spaces.bin got" | run && same "long name found case-insensitively" f70000 got
echo "get /a/mixed.txt got" | run && same "mixed-case name found in any case" f1 got
short=$(mdir -i img ::/a | awk '/rather long/ {print $1}')
if [ -n "$short" ] && echo "get /a/$(mdir -i img ::/a | awk '/rather long/ {print $1 "." $2}') got" | run && cmp -s f70000 got; then
    ok "the 8.3 name finds the file too"; else fail "8.3 lookup" "could not read the file by its short name"; fi
ls=$(echo "ls /a" | run)
echo "$ls" | grep -q "^- 70000 A rather long file name with spaces.bin$" && ok "ls shows the long name and size" || fail "ls" "got: $ls"

# --- 2. writing, then mtools and fsck.fat reading ----------------------------------------
fresh
{
    echo "mkdir /d1"; echo "mkdir /d1/d2"; echo "mkdir /d1/d2/d3"; echo "mkdir /d1/d2/d3/d4"
    for n in 0 1 511 512 513 4096 70000 1048576 1300000; do echo "put f$n /d1/d2/d3/d4/file$n"; done
    for i in 1 2 3 4 5 6 7 8 9 10 11; do echo "put f1 /d1/Long%20File%20Name%20$i.txt"; done
    echo "put f513 /d1/readme.txt"; echo "put f513 /d1/UPPER.TXT"; echo "put f1 /d1/.hidden"
    echo "put f1 /d1/a.b.c.d"; echo "put f1 /d1/%C3%A9t%C3%A9.txt"
    echo "mkdir /d1/A%20directory%20with%20a%20long%20name"
    echo "put f4096 /d1/A%20directory%20with%20a%20long%20name/inside"
} | run || fail "writes" "fathost reported errors"
fsck_clean "Keel wrote deep dirs, long names, 0 B..1.3 MB files"
for n in 0 1 511 512 513 4096 70000 1048576 1300000; do
    rm -f back; mcopy -i img ::/d1/d2/d3/d4/file$n back && same "Keel wrote file$n, mtools reads it" f$n back
done
dir=$(mdir -i img ::/d1)
for i in 1 2 3 4 5 6 7 8 9 10 11; do
    echo "$dir" | grep -q "Long File Name $i.txt" || fail "long name $i" "mdir does not list it: $dir"
done
tails=$(echo "$dir" | awk '/Long File Name/ {print $1}' | sort | tr '\n' ' ')
[ "$tails" = "LONGFI~1 LONGFI~2 LONGFI~3 LONGFI~4 LONGFI~5 LONGFI~6 LONGFI~7 LONGFI~8 LONGFI~9 LONGF~10 LONGF~11 " ] \
    && ok "~N tails unique, ~10 cuts the base" || fail "~N tails" "got: $tails"
echo "$dir" | grep -q "^readme   txt" && ok "readme.txt stored as a lower-case short name (NTRes), no LFN" \
    || fail "lower-case short name" "$(echo "$dir" | grep -i readme)"
echo "$dir" | grep -q "^UPPER    TXT" && ok "UPPER.TXT a plain short name" || fail "UPPER.TXT" "$dir"
echo "$dir" | grep -q "été.txt" && ok "UTF-8 name stored as UTF-16 and read back by mtools" || fail "UTF-8 name" "$dir"
rm -f back; mcopy -i img "::/d1/A directory with a long name/inside" back && same "file in a long-named dir" f4096 back
df_right "after writes"

# --- 3. fragmented chains --------------------------------------------------------------
fresh
for i in $(seq 1 40); do mcopy -i img f4096 ::/s$i; done
for i in $(seq 1 2 40); do mdel -i img ::/s$i; done
echo "put f1300000 /big" | run
fsck_clean "Keel wrote a 1.3 MB file into a fragmented volume"
rm -f back; mcopy -i img ::/big back && same "fragmented file read back by mtools" f1300000 back
echo "get /big got" | run && same "fragmented file read back by Keel" f1300000 got
fresh
for i in $(seq 1 40); do echo "put f4096 /s$i"; done | run
for i in $(seq 1 2 40); do echo "rm /s$i"; done | run
fsck_clean "Keel deleted every other file"
mcopy -i img f1300000 ::/big && echo "get /big got" | run && same "mtools' fragmented file read by Keel" f1300000 got
df_right "after deletes"

# --- 4. changes: overwrite, holes, truncate, rename, rmdir, unlinked open files ----------
fresh
{
    echo "put f70000 /f"; echo "pwrite /f 100 HELLO"; echo "pwrite /hole 10000 END"
    echo "put f4096 /t"; echo "trunc /t 1000"; echo "trunc /t 3000"
    echo "mkdir /x"; echo "mkdir /y"; echo "put f1 /x/moved-file-with-long-name"
    echo "mv /x/moved-file-with-long-name /y/new%20name"; echo "mkdir /x/sub"; echo "put f1 /x/sub/in"
    echo "mv /x/sub /y/sub2"; echo "put f513 /y/replaced"; echo "put f1 /y/replacer"
    echo "mv /y/replacer /y/replaced"; echo "mkdir /gone"; echo "rmdir /gone"
    echo "rmdir /y"
} | run > out 2>&1
grep -q "rmdir: ENOTEMPTY" out && ok "rmdir of a full directory: ENOTEMPTY" || fail "rmdir" "$(cat out)"
fsck_clean "overwrite, hole, truncate, rename, rmdir"
{ head -c 100 f70000; printf HELLO; tail -c +106 f70000; } > want; mcopy -n -i img ::/f back; same "overwrite in the middle" want back
{ head -c 10000 /dev/zero; printf END; } > want; rm -f back; mcopy -i img ::/hole back; same "a hole reads as zeros" want back
{ head -c 1000 f4096; head -c 2000 /dev/zero; } > want; rm -f back; mcopy -i img ::/t back; same "truncate down then up: zeros" want back
rm -f back; mcopy -i img "::/y/new name" back; same "renamed across directories" f1 back
rm -f back; mcopy -i img ::/y/sub2/in back; same "directory moved with its file" f1 back
[ "$(mdir -i img ::/y/sub2 | awk '$1==".." {print}' | wc -l)" = 1 ] && ok "moved directory has its .." || fail ".." "missing"
rm -f back; mcopy -i img ::/y/replaced back; same "rename replaces the target" f1 back
mdir -i img ::/gone >/dev/null 2>&1 && fail "rmdir" "/gone is still there" || ok "rmdir removes"
out=$(printf 'put f70000 /open\nopen /open\nrm /open\nhread 0 0 5\nhwrite 0 0 ABCDE\nhread 0 0 5\ndf\nclose 0\n' | run)
echo "$out" | grep -q "^ABCDE$" && ok "an unlinked open file is still read and written" || fail "unlinked open" "$out"
fsck_clean "after the unlinked file's last close"
df_right "after the unlinked file's last close"
out=$(printf 'put f4096 /a1\nopen /a1\nopen /A1\nhwrite 0 4096 MORE\nstat /a1\nhread 1 4096 4\n' | run)
echo "$out" | grep -q "size 4100" && echo "$out" | grep -q "^MORE$" && ok "two opens share one node" || fail "shared node" "$out"

# --- 5. a full disk ---------------------------------------------------------------------
fresh
head -c 50000000 /dev/urandom > huge
out=$(printf 'put f4096 /before\nput huge /huge\ndf\n' | run)
echo "$out" | grep -q "put: ENOSPC" && ok "a file larger than the disk: ENOSPC" || fail "ENOSPC" "$out"
fsck_clean "after ENOSPC"
df_right "after ENOSPC"
rm -f back; mcopy -i img ::/before back; same "the file written before ENOSPC is whole" f4096 back
head -c 40000000 huge > big40
out=$(printf 'put big40 /fill\nmkdir /nospace\nput f4096 /nospace2\n' | run)
fsck_clean "writes after the disk filled up"
df_right "writes after the disk filled up"

# --- 6. volumes refused, and never written -------------------------------------------------
refused() { # NAME EXPECTED-TEXT
    sum=$(md5sum < img); out=$(echo "mkdir /x" | run); sum2=$(md5sum < img)
    if echo "$out" | grep -q "$2" && [ "$sum" = "$sum2" ]; then ok "$1: refused ($out), image unchanged"
    else fail "$1" "expected '$2' and an unchanged image, got '$out'"; fi
}
fresh; printf '\x00\x04' | dd of=img bs=1 seek=11 conv=notrunc 2>/dev/null
refused "BPB_BytsPerSec 1024" "not mounted: BPB_BytsPerSec is 1024 (only 512 supported)"
fresh; printf '\x03' | dd of=img bs=1 seek=13 conv=notrunc 2>/dev/null
refused "BPB_SecPerClus 3" "BPB_SecPerClus is 3 (not a power of two)"
fresh; printf '\x00\x00' | dd of=img bs=1 seek=510 conv=notrunc 2>/dev/null
refused "no boot signature" "boot signature is 0x0000"
fresh; printf '\x03' | dd of=img bs=1 seek=16 conv=notrunc 2>/dev/null
refused "BPB_NumFATs 3" "BPB_NumFATs is 3"
fresh; printf '\x00\x00' | dd of=img bs=1 seek=512 conv=notrunc 2>/dev/null
refused "bad FSInfo" "FSInfo (sector 1) signatures"
fresh; truncate -s 20M img
refused "volume larger than the disk" "BPB_TotSec32 is 81920 (the disk has 40960 sectors)"
rm -f img; mkfs.fat -F 16 -C img 40960 >/dev/null
refused "FAT16" "this is FAT12 or FAT16"
rm -f img; mkfs.fat -F 32 -s 8 -C img 40960 >/dev/null 2>&1
refused "FAT32 with too few clusters" "cluster count is"

# --- 7. broken volumes: EIO, never a crash or a hang ---------------------------------------
fresh
mcopy -i img f4096 ::/good; mcopy -i img f4096 ::/bad; mmd -i img ::/baddir
# The root's entries: find "BAD" and point its cluster far outside the volume.
root=$(( (32 + 2 * $(od -An -tu4 -j36 -N4 img)) * 512 ))
off=$(python3 -c "
d=open('img','rb').read()[$root:$root+4096]
print([i for i in range(0,4096,32) if d[i:i+11]==b'BAD        '][0]+$root)")
printf '\xff\xff\xff\x0f' | dd of=img bs=1 seek=$((off + 26)) conv=notrunc 2>/dev/null
printf '\xff\x0f' | dd of=img bs=1 seek=$((off + 20)) conv=notrunc 2>/dev/null
out=$(printf 'get /bad x\nget /good got\nls /\n' | timeout 10 "$FATHOST" img ro)
echo "$out" | grep -q "get: EIO" && cmp -s got f4096 && ok "an entry outside the volume: EIO for it, others fine" || fail "bad entry" "$out"
# A loop: baddir's cluster pointing at itself in both FATs.
c=$(mdir -i img -/ ::/ >/dev/null; python3 -c "
d=open('img','rb').read()[$root:$root+4096]
i=[i for i in range(0,4096,32) if d[i:i+11]==b'BADDIR     '][0]
print(int.from_bytes(d[i+26:i+28],'little') | int.from_bytes(d[i+20:i+22],'little')<<16)")
fat=$(( 32 * 512 )); size=$(( $(od -An -tu4 -j36 -N4 img) * 512 ))
for copy in 0 1; do python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<I',$c))" | dd of=img bs=1 seek=$((fat + copy * size + c * 4)) conv=notrunc 2>/dev/null; done
out=$(printf 'ls /baddir\nmkdir /baddir/x\nls /\n' | timeout 10 "$FATHOST" img ro; echo "status $?")
echo "$out" | grep -q "status 124" && fail "FAT loop" "fathost hung" || ok "a FAT loop gives an error, not a hang ($(echo "$out" | grep -c EIO) EIO)"

echo "$fails failures"
exit $fails
