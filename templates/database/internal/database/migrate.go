package database

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
)

// migrationFiles holds the schema as versioned SQL files, one folder per
// dialect: migrations/<driver>/0001_items.sql, then 0002_..., each with its
// -- +goose Up and -- +goose Down sections. Add new files; never edit one
// that has shipped, since databases out there already ran it.
//
//go:embed migrations
var migrationFiles embed.FS

// Migrate applies the migrations the database has not seen (goose records
// them in goose_db_version), in version order, each in a transaction, under
// the lock from migrationLock so that instances starting together take
// turns. The first one that fails stops it, and the error names its file.
func Migrate(ctx context.Context, db *DB, logger *slog.Logger) error {
	files, err := fs.Sub(migrationFiles, "migrations/"+Driver)
	if err != nil {
		return err
	}
	return migrate(ctx, db, files, logger)
}

func migrate(ctx context.Context, db *DB, files fs.FS, logger *slog.Logger) error {
	lock, err := migrationLock()
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(dialect, db.pool, files, lock, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	results, err := provider.Up(ctx)
	var partial *goose.PartialError
	if errors.As(err, &partial) {
		results = partial.Applied
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration.String())
	}
	if partial != nil {
		return fmt.Errorf("migration %s failed: %w", partial.Failed.Source.Path, partial.Err)
	}
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	version, err := provider.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	logger.Info("schema up to date", "version", version, "applied_now", len(results))
	return nil
}
