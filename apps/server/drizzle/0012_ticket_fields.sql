CREATE TABLE "ticket_fields" (
	"id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"type" text NOT NULL,
	"label_de" text NOT NULL,
	"label_en" text NOT NULL,
	"description_de" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"min" double precision,
	"max" double precision,
	"position" integer DEFAULT 0 NOT NULL,
	"required" text DEFAULT 'never' NOT NULL,
	"required_team_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "ticket_fields_type" CHECK ("ticket_fields"."type" IN ('text', 'number', 'date', 'select', 'multi_select', 'checkbox')),
	CONSTRAINT "ticket_fields_required" CHECK ("ticket_fields"."required" IN ('never', 'all', 'teams'))
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "fields" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_fields_key_key" ON "ticket_fields" USING btree ("key");--> statement-breakpoint
CREATE INDEX "tickets_fields_idx" ON "tickets" USING gin ("fields" jsonb_path_ops);