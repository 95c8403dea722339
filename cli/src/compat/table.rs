//! kanboard-cli's commands as data: its group names and one line per command (the format is in
//! the module's documentation, `compat`).

/// kanboard-cli's group names and the schema resource each maps to.
pub const GROUPS: &[(&str, &str)] = &[
    ("action", "actions"),
    ("app", "application"),
    ("board", "board"),
    ("category", "categories"),
    ("column", "columns"),
    ("comment", "comments"),
    ("external-link", "external_task_links"),
    ("group", "groups"),
    ("link", "links"),
    ("me", "me"),
    ("milestone", "milestones"),
    ("portfolio", "portfolios"),
    ("project", "projects"),
    ("project-access", "project_permissions"),
    ("project-file", "project_files"),
    ("project-meta", "project_metadata"),
    ("subtask", "subtasks"),
    ("swimlane", "swimlanes"),
    ("tag", "tags"),
    ("task", "tasks"),
    ("task-file", "task_files"),
    ("task-link", "task_links"),
    ("task-meta", "task_metadata"),
    ("timer", "subtask_time_tracking"),
    ("user", "users"),
];

pub(super) const TABLE: &str = r#"
action | list | getActions | <project_id> |
action | available | getAvailableActions | |
action | events | getAvailableActionEvents | |
action | compatible-events | getCompatibleActionEvents | <action_name> |
action | create | createAction | <project_id> <event_name> <action_name> -p/--param:params[kv] | Action #{id} created.
action | remove | removeAction | <action_id> +remove | Action #{action_id} removed.
app | version | getVersion | |
app | timezone | getTimezone | |
app | colors | getDefaultTaskColors | |
app | default-color | getDefaultTaskColor | |
board | show | getBoard | <project_id> +view:board |
category | list | getAllCategories | <project_id> |
category | get | getCategory | <category_id> |
category | create | createCategory | <project_id> <name> --color-id | Category #{id} created.
category | update | updateCategory | <category_id:id> <name> --color-id | Category #{category_id} updated.
category | remove | removeCategory | <category_id> +remove | Category #{category_id} removed.
column | list | getColumns | <project_id> |
column | get | getColumn | <column_id> |
column | add | addColumn | <project_id> <title> --task-limit -d/--description | Column #{id} added.
column | update | updateColumn | <column_id> <title> --task-limit -d/--description | Column #{column_id} updated.
column | remove | removeColumn | <column_id> +remove | Column #{column_id} removed.
column | move | changeColumnPosition | <project_id> <column_id> <position> | Column #{column_id} moved to position {position}.
comment | list | getAllComments | <task_id> |
comment | get | getComment | <comment_id> |
comment | add | createComment | <task_id> <content> --user-id! | Comment #{id} added.
comment | update | updateComment | <comment_id:id> <content> | Comment #{comment_id} updated.
comment | remove | removeComment | <comment_id> +remove | Comment #{comment_id} removed.
external-link | types | getExternalTaskLinkTypes | |
external-link | dependencies | getExternalTaskLinkProviderDependencies | <provider_name> |
external-link | list | getAllExternalTaskLinks | <task_id> |
external-link | get | getExternalTaskLinkById | <task_id> <link_id> |
external-link | create | createExternalTaskLink | <task_id> <url> <dependency> --type --title | External link #{id} created.
external-link | update | updateExternalTaskLink | <task_id> <link_id> <title> <url> --dependency | External link #{link_id} updated.
external-link | remove | removeExternalTaskLink | <task_id> <link_id> +remove | External link #{link_id} removed.
group | list | getAllGroups | |
group | get | getGroup | <group_id> |
group | create | createGroup | <name> --external-id | Group '{name}' created with ID #{id}.
group | update | updateGroup | <group_id> --name --external-id +one | Group #{group_id} updated.
group | remove | removeGroup | <group_id> +remove | Group #{group_id} removed.
group member | list | getGroupMembers | <group_id> |
group member | groups | getMemberGroups | <user_id> |
group member | add | addGroupMember | <group_id> <user_id> | User #{user_id} added to group #{group_id}.
group member | remove | removeGroupMember | <group_id> <user_id> +remove | User #{user_id} removed from group #{group_id}.
group member | check | isGroupMember | <group_id> <user_id> |
link | list | getAllLinks | |
link | get | getLinkById | <link_id> |
link | get-by-label | getLinkByLabel | <label> |
link | create | createLink | <label> --opposite-label | Link type #{id} created.
link | update | updateLink | <link_id> <opposite_link_id> <label> | Link type #{link_id} updated.
link | remove | removeLink | <link_id> +remove | Link type #{link_id} removed.
me | dashboard | getMyDashboard | |
me | activity | getMyActivityStream | |
me | projects | getMyProjects | |
me | overdue | getMyOverdueTasks | |
me | create-project | createMyPrivateProject | <name> --description | Created private project #{id}.
project | list | getAllProjects | |
project | get | getProjectById | <project_id> |
project | create | createProject | <name> -d/--description --owner-id --identifier --start-date --end-date | Project #{id} created.
project | update | updateProject | <project_id> --name -d/--description --owner-id --identifier +one | Project #{project_id} updated.
project | remove | removeProject | <project_id> +remove | Project #{project_id} removed.
project | enable | enableProject | <project_id> | Project #{project_id} enabled.
project | disable | disableProject | <project_id> | Project #{project_id} disabled.
project | activity | getProjectActivity | <project_id> |
project-access | list | getProjectUsers | <project_id> |
project-access | assignable | getAssignableUsers | <project_id> |
project-access | add-user | addProjectUser | <project_id> <user_id> --role | User {user_id} added to project {project_id}.
project-access | add-group | addProjectGroup | <project_id> <group_id> --role | Group {group_id} added to project {project_id}.
project-access | remove-user | removeProjectUser | <project_id> <user_id> +remove | User {user_id} removed from project {project_id}.
project-access | remove-group | removeProjectGroup | <project_id> <group_id> +remove | Group {group_id} removed from project {project_id}.
project-access | set-user-role | changeProjectUserRole | <project_id> <user_id> <role> | User {user_id} role set to {role} in project {project_id}.
project-access | set-group-role | changeProjectGroupRole | <project_id> <group_id> <role> | Group {group_id} role set to {role} in project {project_id}.
project-access | user-role | getProjectUserRole | <project_id> <user_id> |
project-file | list | getAllProjectFiles | <project_id> |
project-file | get | getProjectFile | <project_id> <file_id> |
project-file | upload | createProjectFile | <project_id> <filepath:@blob> | File '{filename}' uploaded as project file #{id}.
project-file | remove | removeProjectFile | <project_id> <file_id> +remove | Project file #{file_id} removed.
project-file | remove-all | removeAllProjectFiles | <project_id> +remove | All files removed from project {project_id}.
project-meta | list | getProjectMetadata | <project_id> |
project-meta | get | getProjectMetadataByName | <project_id> <name> |
project-meta | set | saveProjectMetadata | <project_id> <key> <value> {values} | Metadata '{key}' saved on project {project_id}.
project-meta | remove | removeProjectMetadata | <project_id> <name> +remove | Metadata '{name}' removed from project {project_id}.
subtask | list | getAllSubtasks | <task_id> |
subtask | get | getSubtask | <subtask_id> |
subtask | create | createSubtask | <task_id> <title> --user-id --time-estimated --status | Subtask #{id} created.
subtask | update | updateSubtask | <subtask_id:id> <task_id> --title --user-id --time-estimated --time-spent --status | Subtask #{subtask_id} updated.
subtask | remove | removeSubtask | <subtask_id> +remove | Subtask #{subtask_id} removed.
swimlane | list | getActiveSwimlanes/getAllSwimlanes@all | <project_id> --all? |
swimlane | get | getSwimlane | <swimlane_id> |
swimlane | get-by-name | getSwimlaneByName | <project_id> <name> |
swimlane | add | addSwimlane | <project_id> <name> -d/--description | Swimlane #{id} added.
swimlane | update | updateSwimlane | <project_id> <swimlane_id> <name> -d/--description | Swimlane #{swimlane_id} updated.
swimlane | remove | removeSwimlane | <project_id> <swimlane_id> +remove | Swimlane #{swimlane_id} removed.
swimlane | enable | enableSwimlane | <project_id> <swimlane_id> | Swimlane #{swimlane_id} enabled.
swimlane | disable | disableSwimlane | <project_id> <swimlane_id> | Swimlane #{swimlane_id} disabled.
swimlane | move | changeSwimlanePosition | <project_id> <swimlane_id> <position> | Swimlane #{swimlane_id} moved to position {position}.
tag | list | getAllTags/getTagsByProject@project_id | --project-id |
tag | get | getTaskTags | <task_id> |
tag | create | createTag | <project_id> <tag_name:tag> --color-id | Tag #{id} created.
tag | update | updateTag | <tag_id> <tag_name:tag> --color-id | Tag #{tag_id} updated.
tag | remove | removeTag | <tag_id> +remove | Tag #{tag_id} removed.
tag | set | setTaskTags | <project_id> <task_id> <tags...> | Tags set on task #{task_id}.
task | list | getAllTasks | <project_id> --status:status_id{active=1,inactive=0}=active +view:names |
task | get | getTask | <task_id> +view:names |
task | create | createTask | <project_id> <title> --owner-id --column-id --swimlane-id --due:date_due -d/--description --color:color_id --category-id --score --priority --reference --tag:tags | Task #{id} created.
task | update | updateTask | <task_id> --title --color:color_id --due:date_due -d/--description --owner-id --category-id --score --priority --reference --tag:tags +one | Task #{task_id} updated.
task | close | closeTask | <task_id> | Task #{task_id} closed.
task | open | openTask | <task_id> | Task #{task_id} reopened.
task | remove | removeTask | <task_id> +remove | Task #{task_id} removed.
task | search | searchTasks | <project_id> <query> +view:names |
task | move | moveTaskPosition | <task_id> --project-id! --column-id! --position! --swimlane-id! | Task #{task_id} moved.
task | move-to-project | moveTaskToProject | <task_id> <project_id> --swimlane-id --column-id --category-id --owner-id | Task #{task_id} moved to project #{project_id}.
task | duplicate | duplicateTaskToProject | <task_id> <project_id> --swimlane-id --column-id | Task #{task_id} duplicated as task #{id} in project #{project_id}.
task | overdue | getOverdueTasks/getOverdueTasksByProject@project_id | --project-id |
task-file | list | getAllTaskFiles | <task_id> |
task-file | get | getTaskFile | <file_id> |
task-file | upload | createTaskFile | <project_id> <task_id> <filepath:@blob> | File '{filename}' uploaded as task file #{id}.
task-file | remove | removeTaskFile | <file_id> +remove | Task file #{file_id} removed.
task-file | remove-all | removeAllTaskFiles | <task_id> +remove | All files removed from task {task_id}.
task-link | list | getAllTaskLinks | <task_id> +inert:--with-project |
task-link | get | getTaskLinkById | <task_link_id> |
task-link | create | createTaskLink | <task_id> <opposite_task_id> <link_id> | Task link #{id} created.
task-link | update | updateTaskLink | <task_link_id> <task_id> <opposite_task_id> <link_id> | Task link #{task_link_id} updated.
task-link | remove | removeTaskLink | <task_link_id> +remove | Task link #{task_link_id} removed.
task-meta | list | getTaskMetadata | <task_id> |
task-meta | get | getTaskMetadataByName | <task_id> <name> |
task-meta | set | saveTaskMetadata | <task_id> <key> <value> {values} | Metadata '{key}' saved on task {task_id}.
task-meta | remove | removeTaskMetadata | <task_id> <name> +remove | Metadata '{name}' removed from task {task_id}.
timer | status | hasSubtaskTimer | <subtask_id> --user-id! |
timer | start | setSubtaskStartTime | <subtask_id> --user-id! | Timer started for subtask #{subtask_id}.
timer | stop | setSubtaskEndTime | <subtask_id> --user-id! | Timer stopped for subtask #{subtask_id}.
timer | spent | getSubtaskTimeSpent | <subtask_id> --user-id! |
user | list | getAllUsers | |
user | get | getUser | <user_id> |
user | get-by-name | getUserByName | <username> |
user | create | createUser | <username> --password --name --email --role | User #{id} created.
user | update | updateUser | <user_id:id> --username --name --email --role +one | User #{user_id} updated.
user | remove | removeUser | <user_id> +remove | User #{user_id} removed.
user | enable | enableUser | <user_id> | User #{user_id} enabled.
user | disable | disableUser | <user_id> | User #{user_id} disabled.
user | is-active | isActiveUser | <user_id> |
"#;
