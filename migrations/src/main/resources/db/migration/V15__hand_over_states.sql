-- A node change ends in two epochs (DESIGN.md §4): once its streams are done the node is
-- BOOTSTRAPPED (reads move to it, the replicas it takes over still receive writes) or
-- HANDED_OVER (reads leave it, it still receives writes); only when every live coordinator serves
-- that epoch does it become NORMAL or LEFT. (V14 is left to the repair schedule.)
ALTER TABLE storage_nodes DROP CONSTRAINT storage_nodes_state_known;
ALTER TABLE storage_nodes ADD CONSTRAINT storage_nodes_state_known
    CHECK (state IN ('NORMAL', 'BOOTSTRAPPING', 'BOOTSTRAPPED', 'LEAVING', 'HANDED_OVER', 'LEFT'));
