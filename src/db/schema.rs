//! Table definitions shared by both backends (kept in step with `migrations/*`).

diesel::table! {
    organisations (org_no) {
        org_no -> Text,
        name -> Text,
        search_key -> Text,
        org_form -> Text,
        party_uuid -> Text,
        name_sort -> Text,
    }
}

diesel::table! {
    persons (pid) {
        pid -> Text,
        name -> Text,
        party_uuid -> Text,
        name_sort -> Text,
    }
}

diesel::table! {
    party_roles (pid, org_no, role_code) {
        pid -> Text,
        org_no -> Text,
        role_code -> Text,
    }
}

diesel::table! {
    resources (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        title_nn -> Text,
        title_en -> Text,
        description_nn -> Text,
        description_en -> Text,
        actions -> Text,
        authentication_level -> BigInt,
    }
}

diesel::table! {
    resource_grant_roles (resource_id, role_code) {
        resource_id -> Text,
        role_code -> Text,
    }
}

diesel::table! {
    systems (id) {
        id -> Text,
        vendor_org_no -> Text,
        name -> Text,
        description -> Text,
        is_visible -> Bool,
        is_deleted -> Bool,
        created -> Timestamp,
        name_nn -> Text,
        name_en -> Text,
        description_nn -> Text,
        description_en -> Text,
        internal_id -> Text,
        names -> Text,
        descriptions -> Text,
    }
}

diesel::table! {
    system_rights (system_id, resource_id) {
        system_id -> Text,
        resource_id -> Text,
    }
}

diesel::table! {
    system_redirect_urls (system_id, url) {
        system_id -> Text,
        url -> Text,
    }
}

diesel::table! {
    vendor_clients (client_id) {
        client_id -> Text,
        org_no -> Text,
        secret_hash -> Text,
        scopes -> Text,
        jwks -> Text,
        name -> Text,
        created -> Timestamp,
        last_used -> Nullable<Timestamp>,
    }
}

diesel::table! {
    system_user_requests (id) {
        id -> Text,
        system_id -> Text,
        party_org_no -> Text,
        external_ref -> Text,
        user_type -> Text,
        status -> Text,
        redirect_url -> Nullable<Text>,
        integration_title -> Nullable<Text>,
        created -> Timestamp,
        handled_at -> Nullable<Timestamp>,
        handled_by -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        timeout_told_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    request_rights (request_id, resource_id) {
        request_id -> Text,
        resource_id -> Text,
    }
}

diesel::table! {
    system_users (id) {
        id -> Text,
        system_id -> Text,
        party_org_no -> Text,
        external_ref -> Text,
        user_type -> Text,
        integration_title -> Text,
        created -> Timestamp,
        created_by -> Text,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Text>,
    }
}

diesel::table! {
    system_user_rights (system_user_id, resource_id) {
        system_user_id -> Text,
        resource_id -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        party_org_no -> Text,
        action -> Text,
        subject_id -> Text,
        detail -> Text,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    access_packages (urn) {
        urn -> Text,
        name -> Text,
        description -> Text,
        assignable -> Bool,
        delegable -> Bool,
        name_nn -> Text,
        name_en -> Text,
        description_nn -> Text,
        description_en -> Text,
    }
}

diesel::table! {
    relation_packages (role_code, package_urn) {
        role_code -> Text,
        package_urn -> Text,
        client_org_forms -> Nullable<Text>,
    }
}

diesel::table! {
    client_relations (facilitator_org_no, client_org_no, role_code) {
        facilitator_org_no -> Text,
        client_org_no -> Text,
        role_code -> Text,
        client_name -> Text,
        client_org_form -> Text,
        client_roles -> Text,
        first_role -> Bool,
        client_sort -> Text,
    }
}

diesel::table! {
    system_access_packages (system_id, package_urn) {
        system_id -> Text,
        package_urn -> Text,
    }
}

diesel::table! {
    request_access_packages (request_id, package_urn) {
        request_id -> Text,
        package_urn -> Text,
    }
}

diesel::table! {
    system_user_access_packages (system_user_id, package_urn) {
        system_user_id -> Text,
        package_urn -> Text,
    }
}

diesel::table! {
    client_kinds (facilitator_org_no, client_roles, client_org_form) {
        facilitator_org_no -> Text,
        client_roles -> Text,
        client_org_form -> Text,
        clients -> BigInt,
    }
}

diesel::table! {
    client_delegations (id) {
        id -> Text,
        system_user_id -> Text,
        client_org_no -> Text,
        created -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    system_client_ids (client_id) {
        client_id -> Text,
        system_id -> Text,
    }
}

diesel::table! {
    package_resources (package_urn, resource_id) {
        package_urn -> Text,
        resource_id -> Text,
    }
}

diesel::table! {
    used_assertions (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Text,
        system_user_id -> Text,
        system_id -> Text,
        party_org_no -> Text,
        external_ref -> Text,
        status -> Text,
        redirect_url -> Nullable<Text>,
        created -> Timestamp,
        handled_at -> Nullable<Timestamp>,
        handled_by -> Nullable<Text>,
    }
}

diesel::table! {
    change_request_items (change_request_id, kind, change, value) {
        change_request_id -> Text,
        kind -> Text,
        change -> Text,
        value -> Text,
    }
}

diesel::table! {
    request_escalations (request_id) {
        request_id -> Text,
        escalated_by -> Text,
        escalated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        pid -> Text,
        started_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    vendor_events (seq) {
        seq -> BigInt,
        position -> Nullable<BigInt>,
        id -> Text,
        vendor_org_no -> Text,
        event_type -> Text,
        at -> Timestamp,
        system_user_id -> Text,
        body -> Text,
    }
}

diesel::table! {
    vendor_event_clock (id) {
        id -> BigInt,
        last -> BigInt,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        vendor_org_no -> Text,
        url -> Text,
        types -> Text,
        secret -> Text,
        created -> Timestamp,
        active -> Bool,
        disabled_reason -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> Text,
        event_position -> BigInt,
        ordering_key -> Text,
        state -> Text,
        attempts -> BigInt,
        created -> Timestamp,
        next_at -> Timestamp,
        first_tried_at -> Nullable<Timestamp>,
        leased_until -> Nullable<Timestamp>,
        last_at -> Nullable<Timestamp>,
        last_code -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(party_roles -> organisations (org_no));
diesel::joinable!(system_access_packages -> access_packages (package_urn));
diesel::joinable!(request_access_packages -> access_packages (package_urn));
diesel::joinable!(system_user_access_packages -> access_packages (package_urn));
diesel::joinable!(relation_packages -> access_packages (package_urn));
diesel::joinable!(client_delegations -> organisations (client_org_no));
diesel::joinable!(party_roles -> persons (pid));
diesel::joinable!(systems -> organisations (vendor_org_no));
diesel::joinable!(system_rights -> resources (resource_id));
diesel::joinable!(request_rights -> resources (resource_id));
diesel::joinable!(system_user_rights -> resources (resource_id));
diesel::joinable!(system_users -> systems (system_id));
diesel::joinable!(system_user_requests -> systems (system_id));

diesel::allow_tables_to_appear_in_same_query!(
    sessions,
    organisations,
    persons,
    party_roles,
    resources,
    resource_grant_roles,
    systems,
    system_rights,
    system_redirect_urls,
    vendor_clients,
    system_user_requests,
    request_rights,
    system_users,
    system_user_rights,
    audit_events,
    app_secrets,
    access_packages,
    relation_packages,
    client_relations,
    client_kinds,
    system_access_packages,
    request_access_packages,
    system_user_access_packages,
    client_delegations,
    system_client_ids,
    package_resources,
    used_assertions,
    change_requests,
    change_request_items,
    request_escalations,
    vendor_events,
    vendor_event_clock,
    webhooks,
    webhook_deliveries,
);
