package database

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"
)

// migration is one schema change. Append new ones with the next version;
// never edit one that has shipped, since databases out there already ran it.
type migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB) error
}

var migrations = []migration{
	{Version: 1, Name: "create items", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&itemV1{})
	}},
}

// itemV1 is the items table as migration 1 creates it. Migrations use their
// own structs so that later changes to Item cannot change what they do.
type itemV1 struct {
	ID        uint64    `gorm:"primaryKey"`
	Name      string    `gorm:"size:200;not null;uniqueIndex"`
	CreatedAt time.Time `gorm:"not null;index"`
}

func (itemV1) TableName() string { return "items" }

// schemaMigration records an applied migration.
type schemaMigration struct {
	Version   int       `gorm:"primaryKey;autoIncrement:false"`
	Name      string    `gorm:"size:200;not null"`
	AppliedAt time.Time `gorm:"not null"`
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// Migrate applies the migrations the database has not seen, in order, each
// in a transaction with its record. A lock (see lockMigrations) makes
// instances that start together take turns, so each migration runs once.
func Migrate(ctx context.Context, db *DB, logger *slog.Logger) error {
	// One connection throughout: the lock belongs to the session holding it.
	return db.Gorm.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		// A session, so that each statement below starts afresh.
		conn = conn.Session(&gorm.Session{})
		unlock, err := lockMigrations(conn)
		if err != nil {
			return fmt.Errorf("locking the migrations: %w", err)
		}
		defer unlock()

		if err := conn.AutoMigrate(&schemaMigration{}); err != nil {
			return fmt.Errorf("migrations table: %w", err)
		}
		var applied []int
		if err := conn.Model(&schemaMigration{}).Pluck("version", &applied).Error; err != nil {
			return fmt.Errorf("reading applied migrations: %w", err)
		}
		for _, m := range migrations {
			if slices.Contains(applied, m.Version) {
				continue
			}
			err := conn.Transaction(func(tx *gorm.DB) error {
				if err := m.Up(tx); err != nil {
					return err
				}
				return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
			})
			if err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
			logger.Info("migration applied", "version", m.Version, "name", m.Name)
		}
		return nil
	})
}
