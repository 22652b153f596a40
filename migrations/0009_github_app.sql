CREATE TABLE `github_app` (
	`id` integer PRIMARY KEY NOT NULL,
	`app_id` text NOT NULL,
	`slug` text NOT NULL,
	`sealed` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `github_installation_repositories` (
	`installation_id` text NOT NULL,
	`repository` text NOT NULL,
	PRIMARY KEY(`installation_id`, `repository`)
);
--> statement-breakpoint
CREATE INDEX `github_installation_repositories_repository` ON `github_installation_repositories` (`repository`);--> statement-breakpoint
CREATE TABLE `github_installations` (
	`installation_id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`repository_selection` text NOT NULL,
	`suspended` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL
);
