//! The store contract, run on both stores: every case in `cases/` runs once on a fresh SQLite
//! file and once on a fresh PostgreSQL database (a throwaway cluster from `talkback-pgtest`;
//! without PostgreSQL installed these tests fail and say how to get it).

mod cases;
mod fixture;
mod migrate;
mod postgres_only;
mod postgres_tls;

/// Declares each case once per store.
macro_rules! on_both_stores {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let f = crate::fixture::Fixture::sqlite().await;
                    crate::cases::$case(f.store()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let f = crate::fixture::Fixture::postgres().await;
                    crate::cases::$case(f.store()).await;
                }
            )*
        }
    };
}

on_both_stores!(
    posting_and_reading,
    replies_check_their_parent,
    client_tokens_make_posts_idempotent,
    concurrent_posts_with_one_token_store_one_comment,
    the_edit_window_and_ownership_guard_changes,
    deleting_erases_content_and_keeps_the_place,
    votes_adjust_tallies_by_the_difference,
    counts_skip_deleted_comments,
    import_thread_writes_only_into_an_empty_thread,
    import_batches_are_idempotent_and_link_late_parents,
    export_puts_parents_first,
    imports_keep_status_pins_and_locks,
    bans_audit_and_accounts_travel_and_import_once,
    every_change_records_one_event,
    concurrent_writers_get_gapless_ordered_seqs,
    wakeups_name_the_changed_thread,
    the_instance_secret_is_stable,
    hits_count_per_key_and_window,
    concurrent_hits_are_each_counted_once,
    marks_hold_until_they_expire,
    counters_are_listed_by_prefix_while_open,
    an_account_is_one_reader_everywhere,
    concurrent_first_sign_ins_make_one_reader,
    a_restored_reader_with_an_accounts_hash_becomes_that_account,
    addresses_are_confirmed_once_and_unsubscribed_by_token,
    each_mail_is_claimed_by_one_sender_until_its_lease_ends,
    every_action_changes_status_and_writes_its_audit_entry,
    the_skeleton_carries_status_pins_and_authors,
    locks_bans_and_reports,
    queue_filters_and_pages_newest_first,
    moderators_sessions_and_sign_in_failures,
    votes_count_only_on_published_comments,
);
