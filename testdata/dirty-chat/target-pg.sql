-- The PostgreSQL target of the dirty chat database (mysql.sql): the
-- tables made beforehand, narrower than the source where it hurts.
CREATE TYPE message_kind AS ENUM ('text', 'image', 'file', 'system');

CREATE TABLE users (
	id bigint PRIMARY KEY,
	external_id bigint NULL,
	username varchar(64) NOT NULL,
	display_name varchar(20) NULL,
	legacy_name text NULL,
	is_bot boolean NOT NULL,
	birthday date NULL,
	signature varchar(64) NULL,
	city varchar(64) NULL,
	created_at timestamp(3) NOT NULL
);

CREATE TABLE messages (
	id bigint PRIMARY KEY,
	conversation_id bigint NOT NULL,
	sender_id bigint NOT NULL,
	kind message_kind NOT NULL,
	body text NOT NULL,
	is_edited boolean NOT NULL,
	metadata jsonb NULL,
	created_at timestamp(3) NOT NULL
);
