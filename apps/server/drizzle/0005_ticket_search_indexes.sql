-- btree_gin lets one GIN index hold the team beside the words of a ticket.
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "tickets_team_search_idx" ON "tickets" USING gin ("team_id","search");--> statement-breakpoint
CREATE INDEX "tickets_subject_trgm_idx" ON "tickets" USING gin ("subject" gin_trgm_ops);
