-- After-commit deliveries of domain events (apps/server/src/platform/domain-events.ts).
CREATE TABLE "event_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subscriber" text NOT NULL,
	"event_id" uuid NOT NULL,
	"event" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"done_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "event_deliveries_due_idx" ON "event_deliveries" USING btree ("next_attempt_at") WHERE done_at IS NULL AND failed_at IS NULL;--> statement-breakpoint
CREATE INDEX "event_deliveries_event_idx" ON "event_deliveries" USING btree ("event_id","subscriber");--> statement-breakpoint
-- One thread key per contact for every channel instead of an email-only and a phone-only column.
-- The email Message-IDs stay where they are (a rename, no rewrite of the table, and their
-- partial index keeps working under its new name); only phone rows are rewritten, in batches
-- through the old call-id index (docs/operations.md says how long it takes at a million tickets).
ALTER TABLE "interactions" RENAME COLUMN "email_message_id" TO "thread_key";--> statement-breakpoint
ALTER INDEX "interactions_email_message_id_idx" RENAME TO "interactions_thread_key_idx";--> statement-breakpoint
DO $$
DECLARE
  moved integer;
BEGIN
  LOOP
    UPDATE interactions SET thread_key = call_id, call_id = NULL
    WHERE id IN (SELECT id FROM interactions WHERE call_id IS NOT NULL LIMIT 20000);
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXIT WHEN moved = 0;
  END LOOP;
END $$;
