CREATE TABLE "saved_views" (
	"id" uuid PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"name" text NOT NULL,
	"query" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_views_name_length" CHECK (char_length("saved_views"."name") BETWEEN 1 AND 100)
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
-- Backfill from the messages already there, before the new indexes exist (one pass over interactions):
-- waiting_since is the oldest customer message after the last public staff reply, first_response_at
-- the first public staff reply. Notes (direction 'internal') count as neither.
UPDATE "tickets" AS t
SET "waiting_since" = s.waiting_since, "first_response_at" = s.first_response_at
FROM (
  SELECT m.ticket_id,
    min(m.created_at) FILTER (WHERE m.direction = 'outbound') AS first_response_at,
    min(m.created_at) FILTER (
      WHERE m.direction = 'inbound' AND (m.last_reply IS NULL OR m.created_at > m.last_reply)
    ) AS waiting_since
  FROM (
    SELECT i.ticket_id, i.direction, i.created_at,
      max(i.created_at) FILTER (WHERE i.direction = 'outbound') OVER (PARTITION BY i.ticket_id) AS last_reply
    FROM "interactions" AS i
    WHERE i.direction IN ('inbound', 'outbound')
  ) AS m
  GROUP BY m.ticket_id
) AS s
WHERE s.ticket_id = t.id AND (s.waiting_since IS NOT NULL OR s.first_response_at IS NOT NULL);--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_staff_id_staff_users_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_views_staff_name_key" ON "saved_views" USING btree ("staff_id",lower("name"));--> statement-breakpoint
CREATE INDEX "tickets_open_waiting_idx" ON "tickets" USING btree (coalesce("waiting_since", 'infinity'::timestamptz),"id") WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL;--> statement-breakpoint
CREATE INDEX "tickets_waiting_idx" ON "tickets" USING btree (coalesce("waiting_since", 'infinity'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "tickets_open_team_waiting_idx" ON "tickets" USING btree ("team_id",coalesce("waiting_since", 'infinity'::timestamptz),"id") WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL;