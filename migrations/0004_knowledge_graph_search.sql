CREATE TABLE `graph_entity_events` (
	`entity_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`vendor` text NOT NULL,
	`event_type` text NOT NULL,
	`action` text,
	`at` integer NOT NULL,
	`summary` text NOT NULL,
	`url` text,
	PRIMARY KEY(`entity_id`, `delivery_id`)
);
--> statement-breakpoint
CREATE INDEX `graph_entity_events_entity_at` ON `graph_entity_events` (`entity_id`,`at`,`delivery_id`);--> statement-breakpoint
CREATE TABLE `graph_identities` (
	`identity` text NOT NULL,
	`person_id` text NOT NULL,
	`source` text NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`identity`, `person_id`)
);
--> statement-breakpoint
CREATE INDEX `graph_identities_person` ON `graph_identities` (`person_id`);--> statement-breakpoint
CREATE TABLE `__new_graph_entities` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`title` text,
	`url` text,
	`properties` text DEFAULT '{}' NOT NULL,
	`text` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL
);
--> statement-breakpoint
-- Hand-edited: the old table has neither column; seq keeps the implicit rowid, text starts empty.
INSERT INTO `__new_graph_entities`("seq", "id", "type", "key", "title", "url", "properties", "text", "first_seen", "last_seen") SELECT rowid, "id", "type", "key", "title", "url", "properties", NULL, "first_seen", "last_seen" FROM `graph_entities`;--> statement-breakpoint
DROP TABLE `graph_entities`;--> statement-breakpoint
ALTER TABLE `__new_graph_entities` RENAME TO `graph_entities`;--> statement-breakpoint
CREATE UNIQUE INDEX `graph_entities_id_unique` ON `graph_entities` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `graph_entities_type_key` ON `graph_entities` (`type`,`key`);--> statement-breakpoint
CREATE INDEX `graph_entities_last_seen` ON `graph_entities` (`last_seen`);--> statement-breakpoint
-- Hand-written from here: drizzle-kit does not model virtual tables or triggers.
-- Full-text search over key, title and text. External content: the index stores no second copy of
-- the text, and its rowid is graph_entities.seq (an INTEGER PRIMARY KEY, stable across VACUUM).
-- unicode61 splits `jira:issue:PAY-142` and `app/payments/charge.py` into words; the prefix
-- indexes make the 2- and 3-character prefix queries that search-as-you-type sends cheap.
CREATE VIRTUAL TABLE `graph_entities_fts` USING fts5(
	key, title, text,
	content='graph_entities', content_rowid='seq',
	tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
--> statement-breakpoint
INSERT INTO `graph_entities_fts`(`graph_entities_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `graph_entities_fts_insert` AFTER INSERT ON `graph_entities` BEGIN
	INSERT INTO `graph_entities_fts`(rowid, key, title, text) VALUES (new.seq, new.key, new.title, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `graph_entities_fts_delete` AFTER DELETE ON `graph_entities` BEGIN
	INSERT INTO `graph_entities_fts`(`graph_entities_fts`, rowid, key, title, text) VALUES ('delete', old.seq, old.key, old.title, old.text);
END;
--> statement-breakpoint
-- Most upserts only move last_seen: the WHEN clause keeps those from rewriting the index.
CREATE TRIGGER `graph_entities_fts_update` AFTER UPDATE OF key, title, text ON `graph_entities`
WHEN old.key IS NOT new.key OR old.title IS NOT new.title OR old.text IS NOT new.text BEGIN
	INSERT INTO `graph_entities_fts`(`graph_entities_fts`, rowid, key, title, text) VALUES ('delete', old.seq, old.key, old.title, old.text);
	INSERT INTO `graph_entities_fts`(rowid, key, title, text) VALUES (new.seq, new.key, new.title, new.text);
END;
