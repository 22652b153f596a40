CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`delivery_id` text,
	`vendor` text,
	`event_type` text,
	`body` text NOT NULL,
	`last_error` text,
	`attempts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received_at` ON `dead_letters` (`received_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor` text NOT NULL,
	`delivery_key` text NOT NULL,
	`event_type` text NOT NULL,
	`action` text,
	`signature` text NOT NULL,
	`status` text NOT NULL,
	`decision` text NOT NULL,
	`reason` text,
	`actor` text,
	`subject` text,
	`task_id` text,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`payload_ref` text,
	`received_at` integer NOT NULL,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `deliveries_received_at` ON `deliveries` (`received_at`);--> statement-breakpoint
CREATE INDEX `deliveries_vendor_received_at` ON `deliveries` (`vendor`,`received_at`);--> statement-breakpoint
CREATE TABLE `metric_counters` (
	`key` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`labels` text NOT NULL,
	`value` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`vendor` text NOT NULL,
	`event_type` text NOT NULL,
	`status` text NOT NULL,
	`actor` text,
	`subject` text,
	`repository` text,
	`title` text NOT NULL,
	`url` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks_created_at` ON `tasks` (`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_vendor_status` ON `tasks` (`vendor`,`status`,`created_at`);