CREATE TABLE "email_channels" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"display_name" text,
	"team_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"imap_host" text,
	"imap_port" integer,
	"imap_security" text,
	"imap_user" text,
	"imap_auth" text,
	"imap_secret" text,
	"imap_folder" text,
	"imap_after_import" text,
	"imap_processed_folder" text,
	"imap_poll_seconds" integer,
	"imap_uid_validity" bigint,
	"imap_last_uid" bigint DEFAULT 0 NOT NULL,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_security" text,
	"smtp_user" text,
	"smtp_auth" text,
	"smtp_secret" text,
	"oauth" text,
	"smtp_receiver_addresses" text[] DEFAULT '{}'::text[] NOT NULL,
	"acknowledge" boolean DEFAULT true NOT NULL,
	"reply_promise_hours" integer DEFAULT 24 NOT NULL,
	"signature" jsonb DEFAULT '{"de":"","en":""}'::jsonb NOT NULL,
	"acknowledge_since" timestamp with time zone DEFAULT now() NOT NULL,
	"state" text DEFAULT 'idle' NOT NULL,
	"state_error" text,
	"checked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_inbound" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"message_id" text,
	"content_hash" text NOT NULL,
	"from_address" text,
	"subject" text,
	"size" integer NOT NULL,
	"raw_key" text NOT NULL,
	"imap_uid" bigint,
	"ticket_id" uuid,
	"interaction_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_outbound" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel_id" uuid,
	"ticket_id" uuid NOT NULL,
	"interaction_id" uuid,
	"kind" text NOT NULL,
	"to_address" text NOT NULL,
	"message_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "email_channels" ADD CONSTRAINT "email_channels_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_inbound" ADD CONSTRAINT "email_inbound_channel_id_email_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."email_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_inbound" ADD CONSTRAINT "email_inbound_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_inbound" ADD CONSTRAINT "email_inbound_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbound" ADD CONSTRAINT "email_outbound_channel_id_email_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."email_channels"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbound" ADD CONSTRAINT "email_outbound_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbound" ADD CONSTRAINT "email_outbound_interaction_id_interactions_id_fk" FOREIGN KEY ("interaction_id") REFERENCES "public"."interactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_channels_address_key" ON "email_channels" USING btree ("address");--> statement-breakpoint
CREATE UNIQUE INDEX "email_inbound_hash_key" ON "email_inbound" USING btree ("channel_id","content_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "email_inbound_message_id_key" ON "email_inbound" USING btree ("channel_id","message_id") WHERE message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "email_inbound_sender_idx" ON "email_inbound" USING btree ("channel_id","from_address","received_at");--> statement-breakpoint
CREATE INDEX "email_inbound_problems_idx" ON "email_inbound" USING btree ("received_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE status = 'failed';--> statement-breakpoint
CREATE INDEX "email_inbound_received_idx" ON "email_inbound" USING btree ("received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "email_inbound_ticket_idx" ON "email_inbound" USING btree ("ticket_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "email_outbound_message_id_key" ON "email_outbound" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "email_outbound_due_idx" ON "email_outbound" USING btree ("next_attempt_at") WHERE status IN ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "email_outbound_recipient_idx" ON "email_outbound" USING btree ("to_address","kind","created_at");--> statement-breakpoint
CREATE INDEX "email_outbound_interaction_idx" ON "email_outbound" USING btree ("interaction_id");