ALTER TABLE `graph_entities` ADD `degree` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written from here: drizzle-kit does not model triggers.
-- The degree of every existing entity, then triggers that keep it: an edge inserted or deleted
-- moves both ends (an upsert that finds its edge fires no INSERT trigger, so a repeated mention
-- counts once), and an entity inserted after its edges (a restore writes them in any order)
-- starts from the edges already there.
UPDATE `graph_entities` SET `degree` =
	(SELECT count(*) FROM `graph_edges` WHERE `source_id` = `graph_entities`.`id`) +
	(SELECT count(*) FROM `graph_edges` WHERE `target_id` = `graph_entities`.`id` AND `source_id` != `graph_entities`.`id`);
--> statement-breakpoint
CREATE TRIGGER `graph_edges_degree_insert` AFTER INSERT ON `graph_edges` BEGIN
	UPDATE `graph_entities` SET `degree` = `degree` + 1 WHERE `id` IN (new.source_id, new.target_id);
END;
--> statement-breakpoint
CREATE TRIGGER `graph_edges_degree_delete` AFTER DELETE ON `graph_edges` BEGIN
	UPDATE `graph_entities` SET `degree` = `degree` - 1 WHERE `id` IN (old.source_id, old.target_id);
END;
--> statement-breakpoint
CREATE TRIGGER `graph_entities_degree_insert` AFTER INSERT ON `graph_entities` BEGIN
	UPDATE `graph_entities` SET `degree` =
		(SELECT count(*) FROM `graph_edges` WHERE `source_id` = new.id) +
		(SELECT count(*) FROM `graph_edges` WHERE `target_id` = new.id AND `source_id` != new.id)
	WHERE `seq` = new.seq;
END;
