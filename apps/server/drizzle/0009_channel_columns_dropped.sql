DROP INDEX "interactions_call_id_idx";--> statement-breakpoint
ALTER TABLE "interactions" DROP COLUMN "call_id";
