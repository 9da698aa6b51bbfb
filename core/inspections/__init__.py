"""Inspections (行政检查): "double random, one public" plans (双随机、一公开), "inspect once" joint
visits (综合查一次), cross-domain "one thing" scenarios (一件事监管), results that open case leads,
and the yearly inspection load per entity (国办发〔2024〕54号).

Pure rules are plain functions over plain data: `draw` (the reproducible lottery and its
verification), `joint` (merging checklists into one visit, choosing the inspectors), `figures`
(visit reduction and load), `scenarios` (the scenario data format and loader). `service` wraps
them with a session and the audit record; `jurisdiction` gives the SQL predicates that keep reads
inside a viewer's reach.
"""
