"""``google.cloud.tasks.v2.CloudTasks`` over gRPC, with the messages of the
``google-cloud-tasks`` package: the methods the backend and its tests call."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from google.cloud import tasks_v2
from google.protobuf import empty_pb2

from emulator.cloud_tasks.queues import Queues, TasksError

SERVICE = "google.cloud.tasks.v2.CloudTasks"


def _handlers(queues: Queues) -> dict[str, grpc.RpcMethodHandler]:
    methods: dict[str, tuple[Any, Any, Callable[[Any], Any]]] = {
        "CreateQueue": (
            tasks_v2.CreateQueueRequest,
            tasks_v2.Queue,
            lambda r: queues.create_queue(r.parent, r.queue),
        ),
        "GetQueue": (tasks_v2.GetQueueRequest, tasks_v2.Queue, lambda r: queues.get_queue(r.name)),
        "PauseQueue": (
            tasks_v2.PauseQueueRequest,
            tasks_v2.Queue,
            lambda r: queues.set_state(r.name, tasks_v2.Queue.State.PAUSED),
        ),
        "ResumeQueue": (
            tasks_v2.ResumeQueueRequest,
            tasks_v2.Queue,
            lambda r: queues.set_state(r.name, tasks_v2.Queue.State.RUNNING),
        ),
        "DeleteQueue": (
            tasks_v2.DeleteQueueRequest,
            None,
            lambda r: queues.delete_queue(r.name),
        ),
        "CreateTask": (
            tasks_v2.CreateTaskRequest,
            tasks_v2.Task,
            lambda r: queues.create_task(r.parent, r.task),
        ),
        "GetTask": (tasks_v2.GetTaskRequest, tasks_v2.Task, lambda r: queues.get_task(r.name)),
        "ListTasks": (
            tasks_v2.ListTasksRequest,
            tasks_v2.ListTasksResponse,
            lambda r: tasks_v2.ListTasksResponse(tasks=queues.list_tasks(r.parent)),
        ),
        "DeleteTask": (
            tasks_v2.DeleteTaskRequest,
            None,
            lambda r: queues.delete_task(r.name),
        ),
        "RunTask": (tasks_v2.RunTaskRequest, tasks_v2.Task, lambda r: queues.run_task(r.name)),
    }
    return {
        name: grpc.unary_unary_rpc_method_handler(
            _guarded(call),
            request_deserializer=request_type.deserialize,
            response_serializer=(
                response_type.serialize
                if response_type is not None
                else empty_pb2.Empty.SerializeToString
            ),
        )
        for name, (request_type, response_type, call) in methods.items()
    }


def _guarded(call: Callable[[Any], Any]) -> Callable[[Any, grpc.ServicerContext], Any]:
    def handle(request: Any, context: grpc.ServicerContext) -> Any:
        try:
            result = call(request)
        except TasksError as exc:
            context.abort(getattr(grpc.StatusCode, exc.code), exc.message)
        return empty_pb2.Empty() if result is None else result

    return handle


def start_server(queues: Queues, port: int, *, workers: int = 8) -> tuple[grpc.Server, int]:
    """A gRPC server on 127.0.0.1:``port`` (0: a free one); the server and its port."""
    server = grpc.server(ThreadPoolExecutor(workers, thread_name_prefix="tasks-grpc"))
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(SERVICE, _handlers(queues)),)
    )
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    if not bound:
        raise OSError(f"cannot listen on 127.0.0.1:{port}")
    server.start()
    return server, bound
