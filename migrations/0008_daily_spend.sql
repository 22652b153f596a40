CREATE TABLE `spend` (
	`task_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`scope` text NOT NULL,
	`kind` text NOT NULL,
	`amount_usd` real NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`task_id`, `attempt`)
);
--> statement-breakpoint
CREATE INDEX `spend_scope_at` ON `spend` (`scope`,`at`);