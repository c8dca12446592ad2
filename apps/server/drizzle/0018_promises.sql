CREATE TABLE "promises" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"ticket_id" uuid NOT NULL,
	"policy_id" uuid,
	"business" boolean NOT NULL,
	"target_ms" bigint NOT NULL,
	"warn_at" real DEFAULT 0.75 NOT NULL,
	"state" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"resumed_at" timestamp with time zone,
	"consumed_ms" bigint DEFAULT 0 NOT NULL,
	"pause_reason" text,
	"pause_until" timestamp with time zone,
	"due_at" timestamp with time zone,
	"warned_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"met_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"next_fire_at" timestamp with time zone,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promises_state_check" CHECK ("promises"."state" IN ('running', 'paused', 'warning', 'breached', 'met', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"conditions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"targets" jsonb NOT NULL,
	"warn_at" real DEFAULT 0.75 NOT NULL,
	"max_pause_minutes" integer DEFAULT 1440 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_warn_at_check" CHECK ("sla_policies"."warn_at" > 0 AND "sla_policies"."warn_at" < 1)
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "promise_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "promise_state" text;--> statement-breakpoint
CREATE INDEX "promises_ticket_idx" ON "promises" USING btree ("ticket_id","kind");--> statement-breakpoint
CREATE INDEX "promises_next_fire_idx" ON "promises" USING btree ("next_fire_at") WHERE next_fire_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "promises_breached_idx" ON "promises" USING btree ("breached_at") WHERE breached_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "sla_policies_position_idx" ON "sla_policies" USING btree ("position","id");--> statement-breakpoint
CREATE INDEX "tickets_open_due_idx" ON "tickets" USING btree (coalesce("promise_due_at", 'infinity'::timestamptz),"id") WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL;--> statement-breakpoint
CREATE INDEX "tickets_open_team_due_idx" ON "tickets" USING btree ("team_id",coalesce("promise_due_at", 'infinity'::timestamptz),"id") WHERE status IN ('new', 'open', 'pending', 'on_hold') AND merged_into_id IS NULL;