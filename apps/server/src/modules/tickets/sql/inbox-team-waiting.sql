select
  "tickets"."id",
  "tickets"."number",
  "tickets"."subject",
  "tickets"."status",
  "tickets"."priority",
  "tickets"."channel",
  "tickets"."team_id",
  "tickets"."assignee_id",
  "tickets"."customer_id",
  "tickets"."language",
  "tickets"."tags",
  "tickets"."merged_into_id",
  "tickets"."version",
  "tickets"."created_at",
  "tickets"."updated_at",
  "tickets"."solved_at",
  "tickets"."closed_at",
  "tickets"."waiting_since",
  "tickets"."first_response_at",
  "tickets"."promise_due_at",
  "tickets"."promise_state",
  "tickets"."fields",
  "tickets"."follow_up_of_id",
  "tickets"."closing",
  "teams"."name",
  "staff_users"."name",
  "customers"."name",
  "merged_target"."number",
  "follow_up_origin"."number"
from
  "tickets"
  left join "teams" on "teams"."id" = "tickets"."team_id"
  left join "staff_users" on "staff_users"."id" = "tickets"."assignee_id"
  inner join "customers" on "customers"."id" = "tickets"."customer_id"
  left join "tickets" "merged_target" on "merged_target"."id" = "tickets"."merged_into_id"
  left join "tickets" "follow_up_origin" on "follow_up_origin"."id" = "tickets"."follow_up_of_id"
where
  (
    (
      "tickets"."team_id" in ($1, $2)
      or "tickets"."assignee_id" = $3
    )
    and "tickets"."merged_into_id" is null
    and "tickets"."status" in ($4, $5, $6, $7)
    and "tickets"."team_id" = $8
    and (
      coalesce(
        "tickets"."waiting_since",
        'infinity'::timestamptz
      ),
      "tickets"."id"
    ) > ($9::timestamptz, $10::uuid)
  )
order by
  coalesce(
    "tickets"."waiting_since",
    'infinity'::timestamptz
  ) asc,
  "tickets"."id" asc
limit
  $11;
-- params: ["00000000-0000-7000-8000-0000000000t1","00000000-0000-7000-8000-0000000000t2","00000000-0000-7000-8000-00000000000a","new","open","pending","on_hold","00000000-0000-7000-8000-0000000000t1","2026-11-01T00:00:00.000Z","00000000-0000-7000-8000-0000000000cc",26]
