CREATE TABLE `graph_edges` (
	`source_id` text NOT NULL,
	`target_id` text NOT NULL,
	`type` text NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	`last_delivery_id` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	PRIMARY KEY(`source_id`, `target_id`, `type`)
);
--> statement-breakpoint
CREATE INDEX `graph_edges_target` ON `graph_edges` (`target_id`,`type`,`source_id`);--> statement-breakpoint
CREATE TABLE `graph_entities` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`key` text NOT NULL,
	`title` text,
	`url` text,
	`properties` text DEFAULT '{}' NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `graph_entities_type_key` ON `graph_entities` (`type`,`key`);--> statement-breakpoint
CREATE INDEX `graph_entities_last_seen` ON `graph_entities` (`last_seen`);