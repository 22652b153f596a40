ALTER TABLE `tasks` ADD `cli` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `attempt` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `pull_request_url` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `cost_usd` real;--> statement-breakpoint
ALTER TABLE `tasks` ADD `input_tokens` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `output_tokens` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `duration_ms` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `started_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `finished_at` integer;