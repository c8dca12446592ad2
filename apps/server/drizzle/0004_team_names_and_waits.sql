DROP INDEX "teams_name_key";--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_key" ON "teams" USING btree (lower("name")) WHERE archived_at IS NULL;--> statement-breakpoint
UPDATE "tickets" SET "waiting_since" = NULL WHERE "status" IN ('solved', 'closed') AND "waiting_since" IS NOT NULL;
