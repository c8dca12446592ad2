CREATE TABLE "calendars" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"week" jsonb NOT NULL,
	"holiday_country" text,
	"holiday_state" text,
	"holiday_region" text,
	"exceptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_channels" ADD COLUMN "calendar_id" uuid;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "calendar_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_name_key" ON "calendars" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_default_key" ON "calendars" USING btree ("is_default") WHERE is_default;--> statement-breakpoint
ALTER TABLE "email_channels" ADD CONSTRAINT "email_channels_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;