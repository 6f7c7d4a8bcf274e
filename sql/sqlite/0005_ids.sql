-- 0005_ids: ids are never reused.
--
-- SQLite hands out max(id) + 1, so deleting the newest row would give its
-- id to the next one: a client, a bookmark or the audit log holding the old
-- id would reach a different object.  id_high keeps the highest id ever
-- given per table; inserts take the next one from it and a trigger moves
-- it on (also for rows inserted with an explicit id).  PostgreSQL's
-- identity columns never reuse ids by themselves.
CREATE TABLE id_high (
	name TEXT PRIMARY KEY NOT NULL,
	high INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO id_high (name, high)
    SELECT 'vrfs', coalesce(max(id), 0) FROM vrfs
    UNION ALL SELECT 'accounts', coalesce(max(id), 0) FROM accounts
    UNION ALL SELECT 'pools', coalesce(max(id), 0) FROM pools
    UNION ALL SELECT 'users', coalesce(max(id), 0) FROM users
    UNION ALL SELECT 'api_keys', coalesce(max(id), 0) FROM api_keys;

CREATE TRIGGER vrfs_id_high AFTER INSERT ON vrfs BEGIN
	UPDATE id_high SET high = NEW.id WHERE name = 'vrfs' AND high < NEW.id;
END;
CREATE TRIGGER accounts_id_high AFTER INSERT ON accounts BEGIN
	UPDATE id_high SET high = NEW.id WHERE name = 'accounts' AND high < NEW.id;
END;
CREATE TRIGGER pools_id_high AFTER INSERT ON pools BEGIN
	UPDATE id_high SET high = NEW.id WHERE name = 'pools' AND high < NEW.id;
END;
CREATE TRIGGER users_id_high AFTER INSERT ON users BEGIN
	UPDATE id_high SET high = NEW.id WHERE name = 'users' AND high < NEW.id;
END;
CREATE TRIGGER api_keys_id_high AFTER INSERT ON api_keys BEGIN
	UPDATE id_high SET high = NEW.id WHERE name = 'api_keys' AND high < NEW.id;
END;
