//! Bulk loading of generated rows: multi-row prepared INSERTs in large transactions on one
//! SQLite connection, `COPY … FROM STDIN` (text format) on PostgreSQL. Rows are generated
//! a batch at a time, so memory stays flat whatever the total.
//!
//! Values are bound as the same Rust types SeaORM binds (`Uuid`, `time::Date`,
//! `OffsetDateTime`, `bool`), so on SQLite they are stored exactly as SeaORM stores them
//! (UUID as a 16-byte BLOB, dates and timestamps as text) and read back through the entities.

use std::fmt::Write as _;
use std::sync::Arc;

use sea_orm::sqlx::postgres::PgPoolCopyExt;
use sea_orm::sqlx::sqlite::{SqliteArguments, SqliteConnection};
use sea_orm::sqlx::{self, AssertSqlSafe, Connection, PgPool, Sqlite, SqlitePool};
use sea_orm::{DbErr, RuntimeErr};
use sportello_domain::codice_fiscale::Sex;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::generate::{EmployerGenerator, EmployerRow, PersonGenerator, PersonRow, UnitRow};

/// Rows per SQLite transaction.
const TX_ROWS: u64 = 20_000;
/// Rows generated and written at a time (one multi-row INSERT, or one COPY message).
const BATCH: u64 = 1_000;
/// Rows per PostgreSQL `COPY` statement.
const COPY_ROWS: u64 = 50_000;
/// Concurrent `COPY` statements (connections) on PostgreSQL.
const PG_STREAMS: usize = 2;
/// Bound parameters per SQLite statement (SQLite allows 32,766).
const MAX_PARAMS: usize = 30_000;
/// SQLite page cache of the loading connection, in KiB. Measured on 1,000,000 persons:
/// 2 MiB (the default) 30 s and 88 MB peak memory, 16 MiB 26 s and 138 MB, 64 MiB 26 s
/// and 239 MB.
const SQLITE_CACHE_KIB: i64 = 16 * 1024;

pub(super) fn sqlx_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(e)))
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// A row that can be written by either loader.
pub(super) trait Row {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn bind(self, q: SqliteQuery<'_>) -> SqliteQuery<'_>;
    /// Appends the row as one line of `COPY` text format.
    fn copy_line(&self, out: &mut CopyLine<'_>);
}

fn sex_code(s: Sex) -> &'static str {
    match s {
        Sex::M => "M",
        Sex::F => "F",
    }
}

impl Row for PersonRow {
    const TABLE: &'static str = "persons";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "codice_fiscale",
        "surname",
        "name",
        "surname_norm",
        "name_norm",
        "sex",
        "birth_date",
        "birth_place_code",
        "citizenship",
        "residence_comune",
        "residence_address",
        "domicile_comune",
        "domicile_address",
        "email",
        "phone",
        "preferred_channel",
        "office_id",
        "region_code",
        "birth_data_confirmed",
        "fictitious",
        "created_at",
        "updated_at",
    ];

    fn bind(self, q: SqliteQuery<'_>) -> SqliteQuery<'_> {
        q.bind(self.id)
            .bind(self.codice_fiscale)
            .bind(self.surname)
            .bind(self.name)
            .bind(self.surname_norm)
            .bind(self.name_norm)
            .bind(sex_code(self.sex))
            .bind(self.birth_date)
            .bind(self.birth_place_code)
            .bind(self.citizenship)
            .bind(self.residence_comune)
            .bind(self.residence_address)
            .bind(self.domicile_comune)
            .bind(self.domicile_address)
            .bind(self.email)
            .bind(self.phone)
            .bind(self.preferred_channel)
            .bind(self.office_id)
            .bind(self.region_code)
            .bind(false)
            .bind(true)
            .bind(self.created_at)
            .bind(self.created_at)
    }

    fn copy_line(&self, out: &mut CopyLine<'_>) {
        out.uuid(Some(self.id));
        out.text(Some(&self.codice_fiscale));
        out.text(Some(&self.surname));
        out.text(Some(&self.name));
        out.text(Some(&self.surname_norm));
        out.text(Some(&self.name_norm));
        out.text(Some(sex_code(self.sex)));
        out.date(self.birth_date);
        out.text(Some(&self.birth_place_code));
        out.text(Some(&self.citizenship));
        out.text(self.residence_comune.as_deref());
        out.text(self.residence_address.as_deref());
        out.text(Some(&self.domicile_comune));
        out.text(Some(&self.domicile_address));
        out.text(self.email.as_deref());
        out.text(self.phone.as_deref());
        out.text(Some(self.preferred_channel));
        out.uuid(self.office_id);
        out.text(Some(&self.region_code));
        out.boolean(false);
        out.boolean(true);
        out.timestamp(self.created_at);
        out.timestamp(self.created_at);
        out.end();
    }
}

impl Row for EmployerRow {
    const TABLE: &'static str = "employers";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "tax_code",
        "vat_number",
        "name",
        "name_norm",
        "ateco_2007",
        "ateco_2025",
        "legal_comune",
        "legal_address",
        "size_class",
        "email",
        "phone",
        "pec",
        "is_public",
        "office_id",
        "region_code",
        "created_at",
        "updated_at",
    ];

    fn bind(self, q: SqliteQuery<'_>) -> SqliteQuery<'_> {
        q.bind(self.id)
            .bind(self.tax_code)
            .bind(self.vat_number)
            .bind(self.name)
            .bind(self.name_norm)
            .bind(self.ateco_2007)
            .bind(self.ateco_2025)
            .bind(self.legal_comune)
            .bind(self.legal_address)
            .bind(self.size_class)
            .bind(self.email)
            .bind(self.phone)
            .bind(self.pec)
            .bind(self.is_public)
            .bind(self.office_id)
            .bind(self.region_code)
            .bind(self.created_at)
            .bind(self.created_at)
    }

    fn copy_line(&self, out: &mut CopyLine<'_>) {
        out.uuid(Some(self.id));
        out.text(Some(&self.tax_code));
        out.text(self.vat_number.as_deref());
        out.text(Some(&self.name));
        out.text(Some(&self.name_norm));
        out.text(self.ateco_2007.as_deref());
        out.text(self.ateco_2025.as_deref());
        out.text(Some(&self.legal_comune));
        out.text(Some(&self.legal_address));
        out.text(Some(self.size_class));
        out.text(self.email.as_deref());
        out.text(self.phone.as_deref());
        out.text(self.pec.as_deref());
        out.boolean(self.is_public);
        out.uuid(self.office_id);
        out.text(Some(&self.region_code));
        out.timestamp(self.created_at);
        out.timestamp(self.created_at);
        out.end();
    }
}

impl Row for UnitRow {
    const TABLE: &'static str = "employer_units";
    const COLUMNS: &'static [&'static str] = &["id", "employer_id", "name", "comune", "address"];

    fn bind(self, q: SqliteQuery<'_>) -> SqliteQuery<'_> {
        q.bind(self.id)
            .bind(self.employer_id)
            .bind(self.name)
            .bind(self.comune)
            .bind(self.address)
    }

    fn copy_line(&self, out: &mut CopyLine<'_>) {
        out.uuid(Some(self.id));
        out.uuid(Some(self.employer_id));
        out.text(Some(&self.name));
        out.text(Some(&self.comune));
        out.text(Some(&self.address));
        out.end();
    }
}

/// Writes one line of PostgreSQL `COPY` text format: tab-separated, `\N` for NULL,
/// backslash escapes for backslash, tab, newline and carriage return.
pub(super) struct CopyLine<'a> {
    buf: &'a mut String,
    first: bool,
}

impl<'a> CopyLine<'a> {
    pub(super) fn new(buf: &'a mut String) -> Self {
        CopyLine { buf, first: true }
    }

    fn sep(&mut self) {
        if !self.first {
            self.buf.push('\t');
        }
        self.first = false;
    }

    pub(super) fn text(&mut self, v: Option<&str>) {
        self.sep();
        let Some(v) = v else {
            self.buf.push_str("\\N");
            return;
        };
        for c in v.chars() {
            match c {
                '\\' => self.buf.push_str("\\\\"),
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
    }

    fn uuid(&mut self, v: Option<Uuid>) {
        self.sep();
        match v {
            Some(u) => {
                let _ = write!(self.buf, "{}", u.hyphenated());
            }
            None => self.buf.push_str("\\N"),
        }
    }

    fn date(&mut self, d: Date) {
        self.sep();
        let _ = write!(
            self.buf,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        );
    }

    fn timestamp(&mut self, t: OffsetDateTime) {
        self.sep();
        // RFC 3339 is plain ASCII, no escaping needed.
        if t.format_into(&mut StringWriter(self.buf), &Rfc3339)
            .is_err()
        {
            self.buf.push_str("\\N");
        }
    }

    fn boolean(&mut self, b: bool) {
        self.sep();
        self.buf.push(if b { 't' } else { 'f' });
    }

    /// Ends the line; the next value starts a new one.
    pub(super) fn end(&mut self) {
        self.buf.push('\n');
        self.first = true;
    }
}

/// `io::Write` into a `String` (the formatter only writes ASCII).
struct StringWriter<'a>(&'a mut String);

impl std::io::Write for StringWriter<'_> {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .push_str(std::str::from_utf8(b).map_err(std::io::Error::other)?);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let one = format!("({})", vec!["?"; columns.len()].join(","));
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(","));
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&one);
    }
    sql
}

/// Multi-row INSERT statements for one table, the full-size one built once (SQLx keeps it
/// prepared on the connection).
struct Inserter {
    per_statement: usize,
    full: Arc<str>,
}

impl Inserter {
    fn new<R: Row>() -> Self {
        let per_statement = (MAX_PARAMS / R::COLUMNS.len()).min(BATCH as usize);
        Inserter {
            per_statement,
            full: insert_sql(R::TABLE, R::COLUMNS, per_statement).into(),
        }
    }

    async fn insert<R: Row>(&self, conn: &mut SqliteConnection, rows: Vec<R>) -> Result<(), DbErr> {
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let part: Vec<R> = rows.by_ref().take(self.per_statement).collect();
            let sql = if part.len() == self.per_statement {
                AssertSqlSafe(Arc::clone(&self.full))
            } else {
                AssertSqlSafe(insert_sql(R::TABLE, R::COLUMNS, part.len()).into())
            };
            let mut q = sqlx::query(sql);
            for r in part {
                q = r.bind(q);
            }
            q.execute(&mut *conn).await.map_err(sqlx_err)?;
        }
        Ok(())
    }
}

/// One connection of the pool, set up for loading with a larger page cache, and closed
/// afterwards (even on error) rather than returned to the pool with that cache.
struct SqliteLoad {
    conn: sqlx::pool::PoolConnection<Sqlite>,
    /// One transaction for the whole load, with the secondary indexes dropped first and
    /// rebuilt at the end: much faster for large loads (see [`REBUILD_MIN`]).
    rebuild: bool,
}

/// Whether to drop and rebuild the secondary indexes of a table: when loading at least
/// `REBUILD_MIN` rows and at least as many as the table holds. Each index holds names or
/// dates in random order, so row-by-row upkeep rewrites most of its pages at every commit,
/// and the write volume grows with the square of the load; building it once at the end
/// sorts the keys instead.
pub(super) const REBUILD_MIN: u64 = 100_000;

impl SqliteLoad {
    async fn open(
        pool: &SqlitePool,
        table: &str,
        rows: u64,
        rebuild_min: u64,
    ) -> Result<Self, DbErr> {
        let mut conn = pool.acquire().await.map_err(sqlx_err)?;
        conn.close_on_drop();
        sqlx::query(AssertSqlSafe(format!(
            "PRAGMA cache_size = -{SQLITE_CACHE_KIB}"
        )))
        .execute(&mut *conn)
        .await
        .map_err(sqlx_err)?;
        let existing: i64 =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                .fetch_one(&mut *conn)
                .await
                .map_err(sqlx_err)?;
        let rebuild = rows >= rebuild_min && rows >= u64::try_from(existing).unwrap_or(0);
        Ok(SqliteLoad { conn, rebuild })
    }

    /// Rows per transaction.
    fn tx_rows(&self) -> u64 {
        if self.rebuild { u64::MAX } else { TX_ROWS }
    }

    /// Gives the write-ahead log, grown by the load, back to the disk. With readers active
    /// the checkpoint does what it can; that is not an error.
    async fn finish(mut self) -> Result<(), DbErr> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_all(&mut *self.conn)
            .await
            .map_err(sqlx_err)?;
        Ok(())
    }
}

/// Drops the secondary indexes of `tables` (those created by `CREATE INDEX`; primary keys
/// and UNIQUE constraints stay, so uniqueness is still checked row by row) and returns the
/// statements that create them again, exactly as the migrations wrote them. Called inside
/// the load's transaction, so a failed load leaves them in place.
async fn drop_indexes(conn: &mut SqliteConnection, tables: &[&str]) -> Result<Vec<String>, DbErr> {
    let mut creates = Vec::new();
    for table in tables {
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master \
             WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
        )
        .bind(*table)
        .fetch_all(&mut *conn)
        .await
        .map_err(sqlx_err)?;
        for (name, sql) in indexes {
            sqlx::query(AssertSqlSafe(format!(
                "DROP INDEX \"{}\"",
                name.replace('"', "\"\"")
            )))
            .execute(&mut *conn)
            .await
            .map_err(sqlx_err)?;
            creates.push(sql);
        }
    }
    Ok(creates)
}

async fn run_all(conn: &mut SqliteConnection, statements: &[String]) -> Result<(), DbErr> {
    for sql in statements {
        sqlx::query(AssertSqlSafe(sql.clone()))
            .execute(&mut *conn)
            .await
            .map_err(sqlx_err)?;
    }
    Ok(())
}

/// The SQLite load loop: `write(conn, n)` generates and inserts `n` rows. With a rebuild,
/// the last progress step is reported once the indexes are back.
async fn sqlite_load<W>(
    pool: &SqlitePool,
    tables: &[&str],
    total: u64,
    rebuild_min: u64,
    mut write: W,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr>
where
    W: AsyncFnMut(&mut SqliteConnection, u64) -> Result<(), DbErr>,
{
    let mut load = SqliteLoad::open(pool, tables[0], total, rebuild_min).await?;
    let mut done = 0;
    let mut held = 0;
    while done < total {
        let tx_end = done.saturating_add(load.tx_rows()).min(total);
        let mut tx = load.conn.begin().await.map_err(sqlx_err)?;
        let creates = if load.rebuild {
            drop_indexes(&mut tx, tables).await?
        } else {
            Vec::new()
        };
        while done < tx_end {
            let n = BATCH.min(tx_end - done);
            write(&mut tx, n).await?;
            done += n;
            if load.rebuild && done == total {
                held = n;
            } else {
                progress(n);
            }
        }
        run_all(&mut tx, &creates).await?;
        tx.commit().await.map_err(sqlx_err)?;
    }
    if held > 0 {
        progress(held);
    }
    load.finish().await
}

pub(super) async fn sqlite_persons(
    pool: &SqlitePool,
    generator: &mut PersonGenerator,
    total: u64,
    rebuild_min: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr> {
    let inserter = Inserter::new::<PersonRow>();
    sqlite_load(
        pool,
        &[PersonRow::TABLE],
        total,
        rebuild_min,
        async |conn: &mut SqliteConnection, n: u64| {
            let rows: Vec<PersonRow> = (0..n).map(|_| generator.next_person()).collect();
            inserter.insert(conn, rows).await
        },
        progress,
    )
    .await
}

pub(super) async fn sqlite_employers(
    pool: &SqlitePool,
    generator: &mut EmployerGenerator,
    total: u64,
    rebuild_min: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr> {
    let employers = Inserter::new::<EmployerRow>();
    let units = Inserter::new::<UnitRow>();
    sqlite_load(
        pool,
        &[EmployerRow::TABLE, UnitRow::TABLE],
        total,
        rebuild_min,
        async |conn: &mut SqliteConnection, n: u64| {
            let mut rows = Vec::with_capacity(n as usize);
            let mut unit_rows = Vec::new();
            for _ in 0..n {
                let (e, u) = generator.next_employer();
                rows.push(e);
                unit_rows.extend(u);
            }
            employers.insert(conn, rows).await?;
            units.insert(conn, unit_rows).await
        },
        progress,
    )
    .await
}

fn copy_statement<R: Row>() -> String {
    format!(
        "COPY {} ({}) FROM STDIN (FORMAT text)",
        R::TABLE,
        R::COLUMNS.join(", ")
    )
}

/// COPYs rows produced by `next` in statements of `COPY_ROWS`, sending `BATCH` rows per
/// message; `side` collects rows of a second table (employer units) written by one COPY
/// after each statement of the first.
async fn pg_copy<R: Row, S: Row>(
    pool: &PgPool,
    total: u64,
    mut next: impl FnMut(&mut Vec<S>) -> R,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr> {
    let statement = copy_statement::<R>();
    let side_statement = copy_statement::<S>();
    let mut buf = String::with_capacity(1 << 20);
    let mut side = Vec::new();
    let mut done = 0;
    while done < total {
        let end = (done + COPY_ROWS).min(total);
        // Batches go to the streams in turn: each server process keeps its indexes up to
        // date while the other receives.
        let mut copies = Vec::with_capacity(PG_STREAMS);
        for _ in 0..PG_STREAMS {
            copies.push(pool.copy_in_raw(&statement).await.map_err(sqlx_err)?);
        }
        let mut turn = 0;
        while done < end {
            let n = BATCH.min(end - done);
            buf.clear();
            for _ in 0..n {
                next(&mut side).copy_line(&mut CopyLine::new(&mut buf));
            }
            if let Err(e) = copies[turn % PG_STREAMS].send(buf.as_bytes()).await {
                for copy in copies {
                    let _ = copy.abort("errore durante il caricamento").await;
                }
                return Err(sqlx_err(e));
            }
            turn += 1;
            done += n;
            progress(n);
        }
        // A unique violation shows at `finish`; the other streams are then abandoned.
        let mut result = Ok(0);
        for copy in copies {
            if result.is_ok() {
                result = copy.finish().await;
            } else {
                let _ = copy.abort("errore durante il caricamento").await;
            }
        }
        result.map_err(sqlx_err)?;
        if !side.is_empty() {
            let mut copy = pool.copy_in_raw(&side_statement).await.map_err(sqlx_err)?;
            for part in side.chunks(BATCH as usize) {
                buf.clear();
                for r in part {
                    r.copy_line(&mut CopyLine::new(&mut buf));
                }
                if let Err(e) = copy.send(buf.as_bytes()).await {
                    let _ = copy.abort("errore durante il caricamento").await;
                    return Err(sqlx_err(e));
                }
            }
            copy.finish().await.map_err(sqlx_err)?;
            side.clear();
        }
    }
    Ok(())
}

pub(super) async fn pg_persons(
    pool: &PgPool,
    generator: &mut PersonGenerator,
    total: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr> {
    pg_copy::<PersonRow, UnitRow>(pool, total, |_| generator.next_person(), progress).await
}

pub(super) async fn pg_employers(
    pool: &PgPool,
    generator: &mut EmployerGenerator,
    total: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<(), DbErr> {
    pg_copy::<EmployerRow, UnitRow>(
        pool,
        total,
        |units| {
            let (e, u) = generator.next_employer();
            units.extend(u);
            e
        },
        progress,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes() {
        let mut buf = String::new();
        let mut line = CopyLine::new(&mut buf);
        line.text(Some("a\tb\\c\nd\re"));
        line.text(None);
        line.boolean(true);
        line.date(Date::from_calendar_date(1985, time::Month::March, 4).unwrap());
        line.uuid(Some(Uuid::nil()));
        line.timestamp(time::macros::datetime!(2026-06-15 10:00:00.5 UTC));
        line.end();
        assert_eq!(
            buf,
            "a\\tb\\\\c\\nd\\re\t\\N\tt\t1985-03-04\t00000000-0000-0000-0000-000000000000\t2026-06-15T10:00:00.5Z\n"
        );
    }

    #[test]
    fn insert_statements() {
        assert_eq!(
            insert_sql("t", &["a", "b"], 2),
            "INSERT INTO t (a,b) VALUES (?,?),(?,?)"
        );
        assert_eq!(Inserter::new::<PersonRow>().per_statement, 1_000);
    }
}
