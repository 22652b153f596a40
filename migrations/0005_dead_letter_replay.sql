ALTER TABLE `dead_letters` ADD `replayed_at` integer;--> statement-breakpoint
CREATE INDEX `tasks_repository_created_at` ON `tasks` (`repository`,`created_at`);