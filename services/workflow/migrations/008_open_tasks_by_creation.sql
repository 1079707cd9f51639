-- 我的业务 pages a group's queue in creation order ((created_at, id) > cursor … LIMIT n). With the
-- candidate-groups index alone every open task of the group is read and sorted for each page;
-- walking open tasks in creation order stops after the page (a queue of 10,000 pages in
-- constant time).
CREATE INDEX tasks_open_by_creation ON tasks (created_at, id) WHERE state = 'open';
