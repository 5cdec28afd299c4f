package database

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Item is the example record: a name and when it was stored.
type Item struct {
	ID        uint64    `json:"id" gorm:"primaryKey"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// ErrNotFound is returned for a missing record.
var ErrNotFound = errors.New("not found")

// Items stores Items. Every call takes the request's context, so a client
// that goes away or a deadline cancels the query.
type Items struct {
	db *gorm.DB
}

// NewItems returns the item store of db.
func NewItems(db *DB) *Items {
	return &Items{db: db.Gorm}
}

// Create stores a new item.
func (s *Items) Create(ctx context.Context, name string) (Item, error) {
	item := Item{Name: name}
	err := s.db.WithContext(ctx).Create(&item).Error
	return item, err
}

// Get returns the item with id, or ErrNotFound.
func (s *Items) Get(ctx context.Context, id uint64) (Item, error) {
	var item Item
	err := s.db.WithContext(ctx).First(&item, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Item{}, ErrNotFound
	}
	return item, err
}

// List returns up to limit items, newest first.
func (s *Items) List(ctx context.Context, limit int) ([]Item, error) {
	items := []Item{}
	err := s.db.WithContext(ctx).Order("id DESC").Limit(limit).Find(&items).Error
	return items, err
}
