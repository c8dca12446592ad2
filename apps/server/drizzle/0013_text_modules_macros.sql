CREATE TYPE "public"."text_module_scope" AS ENUM('personal', 'team', 'global');--> statement-breakpoint
CREATE TABLE "macros" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"team_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"actions" jsonb NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "text_modules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scope" text_module_scope NOT NULL,
	"owner_id" uuid,
	"team_id" uuid,
	"shortcut" text NOT NULL,
	"title" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"variants" jsonb NOT NULL,
	"usage_count" integer DEFAULT 0 NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "macros" ADD CONSTRAINT "macros_created_by_id_staff_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "text_modules" ADD CONSTRAINT "text_modules_owner_id_staff_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "text_modules" ADD CONSTRAINT "text_modules_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "text_modules" ADD CONSTRAINT "text_modules_created_by_id_staff_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "macros_team_ids_idx" ON "macros" USING gin ("team_ids");--> statement-breakpoint
CREATE INDEX "text_modules_owner_idx" ON "text_modules" USING btree ("owner_id") WHERE scope = 'personal';--> statement-breakpoint
CREATE INDEX "text_modules_team_idx" ON "text_modules" USING btree ("team_id") WHERE scope = 'team';