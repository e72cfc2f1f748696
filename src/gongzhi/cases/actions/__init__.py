"""Every state change of the cases app: intake, lifecycle transitions, feedback, routing rules.

Cases B's own actions (visits, patrols, campaigns) live beside these and call `intake.receive_case`.
"""
