-- The reference chat database, MariaDB/MySQL side (utf8mb4, InnoDB).
--
-- The logical twin of postgres.sql: same tables, same columns in the same
-- order, the types a real IM server uses on MySQL.  scripts/gen-chat.c
-- writes data for exactly this column order; scripts/load-chat.sh loads it.
-- Creates the tables in the current database; run it on an empty one.
--
-- On purpose:
--   * users.birthday may hold the zero date '0000-00-00' (legal under a
--     sql_mode without NO_ZERO_DATE; PostgreSQL has no such date).
--   * JSON is MariaDB's alias for LONGTEXT COLLATE utf8mb4_bin with a
--     CHECK (json_valid(...)); MySQL 8 stores it as binary JSON.
--   * TINYINT(1) columns are flags holding only 0 and 1.
--   * BIGINT UNSIGNED columns reach 18446744073709551615.
--   * DATETIME(3) has no zone; TIMESTAMP(6) is stored as UTC and converted
--     through the session time_zone (load-chat.sh sets '+00:00').
--   * No foreign keys, as many chat servers run; the generator still only
--     writes references to rows that exist.
--   * The collation is explicit: CREATE DATABASE ... CHARACTER SET utf8mb4
--     alone gives utf8mb4_general_ci, not the server's default collation.
--     Unique keys are on ASCII columns only: utf8mb4_unicode_ci compares
--     case-insensitively and gives every character above U+FFFF one weight.

CREATE TABLE users (
	id BIGINT NOT NULL AUTO_INCREMENT,
	external_id BIGINT UNSIGNED NULL DEFAULT NULL,
	username VARCHAR(64) NOT NULL,
	email VARCHAR(255) NULL DEFAULT NULL,
	display_name VARCHAR(128) NULL DEFAULT NULL,
	is_bot TINYINT(1) NOT NULL DEFAULT 0,
	is_active TINYINT(1) NOT NULL DEFAULT 1,
	birthday DATE NULL DEFAULT NULL,
	tz_offset_min SMALLINT NULL DEFAULT NULL,
	quiet_from TIME NULL DEFAULT NULL,
	quiet_until TIME NULL DEFAULT NULL,
	settings JSON NULL DEFAULT NULL,
	avatar_sha256 BINARY(32) NULL DEFAULT NULL,
	created_at DATETIME(3) NOT NULL,
	last_seen_at TIMESTAMP(6) NULL DEFAULT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY uq_users_username (username),
	UNIQUE KEY uq_users_external_id (external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE chat_groups (
	id BIGINT NOT NULL AUTO_INCREMENT,
	owner_id BIGINT NOT NULL,
	name VARCHAR(128) NOT NULL,
	description TEXT NULL DEFAULT NULL,
	is_public TINYINT(1) NOT NULL DEFAULT 0,
	monthly_fee DECIMAL(12,2) NULL DEFAULT NULL,
	max_members SMALLINT NOT NULL DEFAULT 500,
	settings JSON NULL DEFAULT NULL,
	created_at DATETIME(3) NOT NULL,
	updated_at TIMESTAMP(6) NULL DEFAULT NULL,
	PRIMARY KEY (id),
	KEY idx_chat_groups_owner (owner_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE group_members (
	group_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL,
	role VARCHAR(16) NOT NULL DEFAULT 'member',
	nickname VARCHAR(64) NULL DEFAULT NULL,
	is_muted TINYINT(1) NOT NULL DEFAULT 0,
	joined_at DATETIME(3) NOT NULL,
	PRIMARY KEY (group_id, user_id),
	KEY idx_group_members_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE conversations (
	id BIGINT NOT NULL AUTO_INCREMENT,
	group_id BIGINT NULL DEFAULT NULL,
	created_by BIGINT NOT NULL,
	peer_id BIGINT NULL DEFAULT NULL,
	title VARCHAR(255) NULL DEFAULT NULL,
	is_archived TINYINT(1) NOT NULL DEFAULT 0,
	sort_order BIGINT NOT NULL DEFAULT 0,
	created_at DATETIME(3) NOT NULL,
	last_message_at TIMESTAMP(6) NULL DEFAULT NULL,
	PRIMARY KEY (id),
	KEY idx_conversations_group (group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE messages (
	id BIGINT NOT NULL AUTO_INCREMENT,
	conversation_id BIGINT NOT NULL,
	sender_id BIGINT NOT NULL,
	kind ENUM('text','image','file','system') NOT NULL DEFAULT 'text',
	body MEDIUMTEXT NULL DEFAULT NULL,
	reply_to_id BIGINT NULL DEFAULT NULL,
	metadata JSON NULL DEFAULT NULL,
	is_edited TINYINT(1) NOT NULL DEFAULT 0,
	is_deleted TINYINT(1) NOT NULL DEFAULT 0,
	created_at DATETIME(3) NOT NULL,
	edited_at DATETIME(3) NULL DEFAULT NULL,
	expires_at DATETIME(3) NULL DEFAULT NULL,
	server_ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY idx_messages_conv_created (conversation_id, created_at),
	KEY idx_messages_sender (sender_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE attachments (
	id BIGINT NOT NULL AUTO_INCREMENT,
	message_id BIGINT NOT NULL,
	file_name VARCHAR(255) NOT NULL,
	mime_type VARCHAR(127) NULL DEFAULT NULL,
	size_bytes BIGINT UNSIGNED NOT NULL,
	sha256 BINARY(32) NOT NULL,
	price DECIMAL(12,2) NULL DEFAULT NULL,
	width SMALLINT NULL DEFAULT NULL,
	height SMALLINT NULL DEFAULT NULL,
	duration_s DOUBLE NULL DEFAULT NULL,
	thumbnail BLOB NULL DEFAULT NULL,
	uploaded_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY idx_attachments_message (message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE read_receipts (
	message_id BIGINT NOT NULL,
	user_id BIGINT NOT NULL,
	read_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	device VARCHAR(32) NULL DEFAULT NULL,
	PRIMARY KEY (message_id, user_id),
	KEY idx_read_receipts_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
