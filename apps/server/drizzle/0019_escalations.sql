CREATE TYPE "public"."escalation_state" AS ENUM('waiting', 'joined', 'resolved');--> statement-breakpoint
CREATE TABLE "escalation_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"join_target_minutes" integer NOT NULL,
	"on_warning" boolean NOT NULL,
	"on_breach" boolean NOT NULL,
	"transfers_threshold" integer NOT NULL,
	"on_complaint" boolean NOT NULL,
	"extra_complaint_words" jsonb NOT NULL,
	"ignored_complaint_words" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by_id" uuid,
	CONSTRAINT "escalation_settings_one_row" CHECK ("escalation_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"team_id" uuid,
	"state" "escalation_state" DEFAULT 'waiting' NOT NULL,
	"reason" text NOT NULL,
	"causes" jsonb NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"raised_by_id" uuid,
	"overdue_at" timestamp with time zone,
	"joined_at" timestamp with time zone,
	"joined_by_id" uuid,
	"join_mode" text,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid
);
--> statement-breakpoint
ALTER TABLE "email_outbound" ADD COLUMN "notice" jsonb;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "escalation_emails" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_settings" ADD CONSTRAINT "escalation_settings_updated_by_id_staff_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_raised_by_id_staff_users_id_fk" FOREIGN KEY ("raised_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_joined_by_id_staff_users_id_fk" FOREIGN KEY ("joined_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_resolved_by_id_staff_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_open_ticket_key" ON "escalations" USING btree ("ticket_id") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "escalations_open_idx" ON "escalations" USING btree ("raised_at") WHERE state <> 'resolved';--> statement-breakpoint
CREATE INDEX "escalations_ticket_idx" ON "escalations" USING btree ("ticket_id","raised_at");