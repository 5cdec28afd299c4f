-- The example table: a unique name and when it was stored.

-- +goose Up
CREATE TABLE items (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    CONSTRAINT uni_items_name UNIQUE (name),
    INDEX idx_items_created_at (created_at)
) DEFAULT CHARSET = utf8mb4;

-- +goose Down
DROP TABLE items;
