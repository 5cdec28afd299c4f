package database

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"
)

// Driver names the database in logs.
const Driver = "mysql"

// Connection timeouts used when DATABASE_URL does not set its own (timeout,
// readTimeout, writeTimeout). Without them a database host that stops
// answering would hold a request until the OS gives up on the connection.
const (
	dialTimeout = 5 * time.Second
	ioTimeout   = 30 * time.Second
)

// connect accepts the URL form (mysql://user:pass@host:3306/db?param=value)
// and the driver's DSN (user:pass@tcp(host:3306)/db?param=value). Query
// parameters are the driver's own in both forms.
func connect(dsn string) (*sql.DB, error) {
	cfg, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(connector), nil
}

func parseDSN(dsn string) (*mysql.Config, error) {
	if strings.HasPrefix(dsn, "mysql://") {
		native, err := urlToDSN(dsn)
		if err != nil {
			return nil, err
		}
		dsn = native
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("not a MySQL URL or DSN: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = dialTimeout
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = ioTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = ioTimeout
	}
	// GORM scans DATETIME columns into time.Time, which needs parseTime.
	cfg.ParseTime = true
	return cfg, nil
}

// urlToDSN turns mysql://user:pass@host:port/db?params into the driver's
// DSN. Errors never quote the input, which holds the password.
func urlToDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			var ee url.EscapeError
			if !errors.As(ue.Err, &ee) {
				return "", fmt.Errorf("malformed mysql:// URL: %v", ue.Err)
			}
		}
		return "", errors.New("malformed mysql:// URL (check %-escapes in the user or password)")
	}
	if u.Host == "" {
		return "", errors.New("mysql:// URL without a host")
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	dsn := cfg.FormatDSN()
	if u.RawQuery != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + u.RawQuery
	}
	return dsn, nil
}

func dialector(pool *sql.DB) gorm.Dialector {
	return gormmysql.New(gormmysql.Config{Conn: pool})
}

const dialect = goose.DialectMySQL

// migrationLock is goose's lock table (goose_lock): instances that start
// together take turns, waiting up to a minute; a lock whose holder died
// expires after its 30s lease.
func migrationLock() (goose.ProviderOption, error) {
	locker, err := lock.NewMySQLTableLocker(lock.WithTableLockTimeout(time.Second, 60))
	return goose.WithLocker(locker), err
}
