-- The staff directory: the branch tree (head office → branch → sub-branch) and the users.
CREATE TABLE branches (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{0,9}(-[A-Z0-9]{1,9})?$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  parent_code text REFERENCES branches (code),
  level text NOT NULL CHECK (level IN ('head_office', 'branch', 'sub_branch')),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Only the head office is a root; there is one of it.
  CHECK ((parent_code IS NULL) = (level = 'head_office'))
);
CREATE UNIQUE INDEX branches_one_head_office ON branches ((true)) WHERE parent_code IS NULL;
CREATE INDEX branches_parent ON branches (parent_code);
INSERT INTO branches (code, name, parent_code, level) VALUES ('HQ', '总行', NULL, 'head_office');

-- Staff accounts. Passwords are stored as scrypt hashes with their parameters; repeated failed
-- log-ins lock the account for a while. `version` guards edits against lost updates;
-- `request_id` makes a retried CreateUser return the user it created.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  password_hash text NOT NULL,
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  branch_id text NOT NULL REFERENCES branches (code),
  email text NOT NULL DEFAULT '',
  mobile text NOT NULL DEFAULT '' CHECK (mobile = '' OR mobile ~ '^1[3-9][0-9]{9}$'),
  language text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en')),
  active boolean NOT NULL DEFAULT true,
  deactivation_reason text,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  request_id text UNIQUE,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_branch ON users (branch_id);
CREATE INDEX users_roles ON users USING gin (roles);
