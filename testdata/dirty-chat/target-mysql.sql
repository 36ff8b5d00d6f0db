-- The MariaDB/MySQL target of the dirty chat database (mysql.sql): the
-- tables made beforehand, narrower than the source where it hurts.
CREATE TABLE users (
	id BIGINT NOT NULL PRIMARY KEY,
	external_id BIGINT NULL,
	username VARCHAR(64) NOT NULL,
	display_name VARCHAR(20) NULL,
	legacy_name TEXT NULL,
	is_bot TINYINT(1) NOT NULL,
	birthday DATE NULL,
	signature VARCHAR(64) NULL,
	city VARCHAR(64) NULL,
	created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE messages (
	id BIGINT NOT NULL PRIMARY KEY,
	conversation_id BIGINT NOT NULL,
	sender_id BIGINT NOT NULL,
	kind ENUM('text','image','file','system') NOT NULL,
	body MEDIUMTEXT NOT NULL,
	is_edited TINYINT(1) NOT NULL,
	metadata JSON NULL,
	created_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
