-- A deliberately dirty chat database (MariaDB), for ferry-extract
-- --inventory and ferry-load --check (tests/t9200-preflight.sh).
-- Load it into an empty database under a permissive sql_mode:
--
--   mariadb DB <testdata/dirty-chat/mysql.sql
--
-- (the first statement sets the session's sql_mode to ''), against the
-- narrower target schemas target-pg.sql and target-mysql.sql.
-- Planted, one each, by key:
--
--   users id=2          display_name of 40 characters (target varchar(20))
--   users id=3          external_id 18446744073709551615 (target bigint)
--   users id=4          birthday '0000-00-00' (extract: NULL, counted)
--   users id=5          legacy_name 'caf\xe9': latin1 bytes, no UTF-8
--                       (target text)
--   users               signature is utf8mb3, city is latin1
--   messages id=2       body holds a NUL byte (PostgreSQL refuses it)
--   messages id=3       kind 'sticker' (the target's enum lacks it)
--   messages id=4       is_edited 7 in a TINYINT (target boolean /
--                       TINYINT(1))
--   messages id=5       body NULL (target NOT NULL)
--   legacy_flags id=2   a TINYINT(1) holding 7 (ferry-extract refuses it)
--   audit_log           no primary key
--
-- Duplicate keys cannot exist here; dup-users.jsonl makes a stream
-- holding one.

SET SESSION sql_mode = '';

CREATE TABLE users (
	id BIGINT NOT NULL AUTO_INCREMENT,
	external_id BIGINT UNSIGNED NULL,
	username VARCHAR(64) NOT NULL,
	display_name VARCHAR(128) NULL,
	legacy_name VARBINARY(64) NULL,
	is_bot TINYINT(1) NOT NULL DEFAULT 0,
	birthday DATE NULL,
	signature VARCHAR(64) CHARACTER SET utf8mb3 NULL,
	city VARCHAR(64) CHARACTER SET latin1 NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO users VALUES
	(1, 100, 'ann', 'Ann', NULL, 0, '1990-05-01', 'hi', 'Zürich',
	 '2024-03-01 10:00:00.000'),
	(2, 101, 'bob', 'Bob with a very long display name indeed', NULL, 0,
	 NULL, NULL, NULL, '2024-03-02 11:00:00.000'),
	(3, 18446744073709551615, 'cid', 'Cid', NULL, 1, NULL, NULL, NULL,
	 '2024-03-03 12:00:00.000'),
	(4, 103, 'dee', 'Dee', NULL, 0, '0000-00-00', NULL, NULL,
	 '2024-03-04 13:00:00.000'),
	(5, 104, 'eve', 'Eve', X'636166E9', 0, NULL, NULL, 'Köln',
	 '2024-03-05 14:00:00.000');

CREATE TABLE messages (
	id BIGINT NOT NULL AUTO_INCREMENT,
	conversation_id BIGINT NOT NULL,
	sender_id BIGINT NOT NULL,
	kind ENUM('text','image','file','system','sticker') NOT NULL DEFAULT 'text',
	body MEDIUMTEXT NULL,
	is_edited TINYINT NOT NULL DEFAULT 0,
	metadata JSON NULL,
	created_at DATETIME(3) NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO messages VALUES
	(1, 1, 1, 'text', 'hello', 0, '{"client": "web"}', '2024-03-28 09:00:00.000'),
	(2, 1, 2, 'text', CONCAT('nul', CHAR(0), 'byte'), 0, NULL, '2024-03-29 09:00:00.000'),
	(3, 1, 3, 'sticker', 'a sticker', 0, NULL, '2024-03-30 09:00:00.000'),
	(4, 1, 4, 'text', 'edited seven times', 7, NULL, '2024-03-30 10:00:00.000'),
	(5, 1, 5, 'system', NULL, 0, NULL, '2024-03-31 09:00:00.000'),
	(6, 1, 1, 'image', 'a picture', 1, '{"w": 640}', '2024-03-31 10:00:00.000');

CREATE TABLE legacy_flags (
	id INT NOT NULL,
	flag TINYINT(1) NOT NULL,
	PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO legacy_flags VALUES (1, 1), (2, 7);

CREATE TABLE audit_log (
	at DATETIME NOT NULL,
	what VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO audit_log VALUES ('2024-03-01 00:00:00', 'migrated');
