-- The example table: a unique name and when it was stored.

-- +goose Up
CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(200) NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_items_created_at ON items (created_at);

-- +goose Down
DROP TABLE items;
