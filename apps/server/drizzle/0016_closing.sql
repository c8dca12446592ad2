CREATE TABLE "closing_follow_ups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"solved_at" timestamp with time zone NOT NULL,
	"token_hash" text NOT NULL,
	"language" text NOT NULL,
	"interaction_id" uuid,
	"sent_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"answer" text,
	"answered_at" timestamp with time zone,
	CONSTRAINT "closing_follow_ups_answer" CHECK ("closing_follow_ups"."answer" IN ('yes', 'no'))
);
--> statement-breakpoint
CREATE TABLE "closing_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"items" jsonb NOT NULL,
	"follow_up_delay_business_hours" integer NOT NULL,
	"follow_up_link_days" integer NOT NULL,
	"auto_close_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by_id" uuid,
	CONSTRAINT "closing_settings_one_row" CHECK ("closing_settings"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "follow_up_of_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "closing" jsonb;--> statement-breakpoint
ALTER TABLE "closing_follow_ups" ADD CONSTRAINT "closing_follow_ups_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "closing_settings" ADD CONSTRAINT "closing_settings_updated_by_id_staff_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "closing_follow_ups_solve_key" ON "closing_follow_ups" USING btree ("ticket_id","solved_at");--> statement-breakpoint
CREATE UNIQUE INDEX "closing_follow_ups_token_key" ON "closing_follow_ups" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "closing_follow_ups_ticket_idx" ON "closing_follow_ups" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "tickets_follow_up_of_idx" ON "tickets" USING btree ("follow_up_of_id") WHERE follow_up_of_id IS NOT NULL;