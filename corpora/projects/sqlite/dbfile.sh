# A database in a file: built, closed and reopened; its integrity, a vacuum, a dump, WAL mode, a
# backup, and the files' bytes (hashed: any correct build of the same source lays the pages out alike).
set -e
db=$WORK/t.db
$EMU ./sqlite3 "$db" < $DATA/joins.sql > /dev/null
$EMU ./sqlite3 "$db" 'PRAGMA integrity_check; PRAGMA page_count; PRAGMA freelist_count; SELECT count(*) FROM emp;'
sha256sum < "$db"
$EMU ./sqlite3 "$db" 'DELETE FROM work WHERE proj % 2 = 0; VACUUM; PRAGMA page_count; PRAGMA integrity_check;'
sha256sum < "$db"
$EMU ./sqlite3 "$db" .dump | sha256sum
$EMU ./sqlite3 "$db" 'PRAGMA journal_mode = WAL; INSERT INTO proj VALUES (50, "late", 1); PRAGMA wal_checkpoint(TRUNCATE);' | sed 's/^0|[0-9]*|[0-9]*$/checkpoint ok/'
$EMU ./sqlite3 "$db" 'PRAGMA journal_mode = DELETE; SELECT * FROM proj ORDER BY id DESC LIMIT 2; PRAGMA integrity_check;'
$EMU ./sqlite3 "$db" ".backup $WORK/b.db"
$EMU ./sqlite3 "$WORK/b.db" 'PRAGMA integrity_check; SELECT count(*), sum(hours) FROM work; SELECT count(*) FROM emp;'
sha256sum < "$WORK/b.db"
