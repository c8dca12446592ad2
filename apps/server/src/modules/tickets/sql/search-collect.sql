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
    and "tickets"."id" IN (
      SELECT
        "tickets"."id"
      FROM
        "tickets"
      WHERE
        (
          (
            "tickets"."team_id" in ($4, $5)
            AND "tickets"."search" @@ websearch_to_tsquery('german', $6)
            AND "tickets"."language" = 'de'
          )
          OR (
            "tickets"."team_id" in ($7, $8)
            AND "tickets"."search" @@ websearch_to_tsquery('english', $9)
            AND "tickets"."language" = 'en'
          )
          OR (
            "tickets"."assignee_id" = $10
            AND (
              (
                "tickets"."language" = 'de'
                AND "tickets"."search" @@ websearch_to_tsquery('german', $11)
              )
              OR (
                "tickets"."language" = 'en'
                AND "tickets"."search" @@ websearch_to_tsquery('english', $12)
              )
            )
          )
        )
      OFFSET
        0
    )
  )
order by
  "tickets"."updated_at" desc,
  "tickets"."id" desc
limit
  $13;
-- params: ["00000000-0000-7000-8000-0000000000t1","00000000-0000-7000-8000-0000000000t2","00000000-0000-7000-8000-00000000000a","00000000-0000-7000-8000-0000000000t1","00000000-0000-7000-8000-0000000000t2","Rücksendung","00000000-0000-7000-8000-0000000000t1","00000000-0000-7000-8000-0000000000t2","Rücksendung","00000000-0000-7000-8000-00000000000a","Rücksendung","Rücksendung",26]
